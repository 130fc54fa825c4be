from lxml import html

from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .shop_common import RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopPlanWording(RecurringShopCommon, HttpCase):
    """The product page shows the chosen plan's price and words that fit the plan."""

    def test_price_follows_the_first_plan(self):
        # The desk's plans start with yearly (-10%): the page price is 180, not 200.
        self.product_desk.recurring_product_plan_ids.filtered(
            lambda r: r.plan_id == self.plan_yearly
        ).sequence = 1
        self.authenticate(None, None)
        tree = html.fromstring(self.url_open(self.product_desk.website_url).text)
        price = tree.xpath("//span[hasclass('oe_price')]//text()")
        self.assertIn("180.00", "".join(price))
        formatted = tree.xpath("//input[@name='recurring_plan_id']/@data-price-formatted")
        self.assertIn("180.00", formatted)

    def test_no_doubled_labels_and_service_words(self):
        self.plan_limited.period_label = "period"
        self.product_desk.recurring_product_plan_ids = [
            Command.create({"plan_id": self.plan_weekly.id})
        ]
        self.plan_monthly.period_label = "unit"
        self.authenticate(None, None)
        text = self._page_text(self.url_open(self.product_desk.website_url))
        self.assertNotIn("Monthly $ 200.00 monthly", text)
        self.assertIn("Monthly $ 200.00", text)
        self.assertIn("10 periods", text)
        # The first plan (monthly) counts in months, not deliveries.
        self.assertIn("First month (optional)", text)
        self.assertIn("After a number of months", text)
        self.assertNotIn("deliveries", text)

    def test_plurals(self):
        self.plan_limited.duration_count = 1
        self.assertEqual(self.plan_limited._get_period_count_label(1), "1 delivery")
        self.assertEqual(self.plan_limited._get_period_count_label(3), "3 deliveries")
        self.plan_limited.period_label = "unit"
        self.assertEqual(self.plan_limited._get_period_count_label(1), "1 week")
        self.assertEqual(self.plan_limited._get_period_count_label(2), "2 weeks")
        self.assertEqual(self.plan_monthly._get_display_label(), "Monthly")
        self.assertEqual(self.plan_trial._get_display_label(), "Monthly with trial")
        self.assertEqual(self.plan_terms._get_display_label(), "Annual contract, yearly")
