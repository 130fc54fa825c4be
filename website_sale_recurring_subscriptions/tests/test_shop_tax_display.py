from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.recurring_subscriptions.tests.portal_common import (
    PortalHttpMixin,
    RecurringPortalCommon,
)

from .shop_common import RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopTaxDisplay(RecurringShopCommon, HttpCase):
    """The cart's future amounts follow the website's tax display, and say which."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax_15 = cls.env["account.tax"].create(
            {"name": "VAT 15% (test)", "amount": 15.0, "type_tax_use": "sale"}
        )
        cls.product_desk.taxes_id = [Command.set(cls.tax_15.ids)]

    def _then_rows(self):
        page = self._page_text(self.url_open("/shop/cart"))
        self.assertIn("Then:", page)
        return page[page.index("Then:") :]

    def test_tax_included_website(self):
        self.website.show_line_subtotals_tax_selection = "tax_included"
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        self.assertAlmostEqual(self._cart().amount_total, 230.0)
        rows = self._then_rows()
        self.assertIn("$ 230.00 tax incl.", rows)
        self.assertNotIn("$ 200.00", rows)

    def test_tax_excluded_website(self):
        self.website.show_line_subtotals_tax_selection = "tax_excluded"
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        rows = self._then_rows()
        self.assertIn("$ 200.00 tax excl.", rows)


@tagged("post_install", "-at_install")
class TestShopSubscriptionTaxDisplay(PortalHttpMixin, RecurringPortalCommon, HttpCase):
    """The portal and emails of a subscription bought in the shop show its amounts with
    that website's tax display, and say which."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.tax_10 = cls.env["account.tax"].create(
            {"name": "VAT 10% (test)", "amount": 10.0, "type_tax_use": "sale"}
        )
        cls.sub = cls._running_subscription(cls.today, start=cls.today - timedelta(days=10))
        cls.sub.line_ids.tax_ids = [Command.set(cls.tax_10.ids)]
        cls.website = cls.env["website"].get_current_website()

    def _portal_text(self):
        self._login(self.portal_alice)
        response = self.url_open(f"/my/subscriptions/{self.sub.id}")
        self.assertEqual(response.status_code, 200)
        return " ".join(response.text.split())

    def test_shop_tax_included_in_portal_and_email(self):
        self.website.show_line_subtotals_tax_selection = "tax_included"
        order = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_monthly.id}]
        )
        order.website_id = self.website
        self.sub.source_order_id = order
        display = self.sub._get_recurring_amount_display()
        self.assertEqual((display["amount"], display["tax_label"]), (33.0, "tax incl."))
        text = self._portal_text()
        self.assertIn("tax incl.", text)
        self.assertIn("33.00", text)
        # The confirmation email of a portal change.
        coming = self._coming(self.sub)
        self.sub.with_user(self.portal_alice)._portal_skip_period(coming[0].id)
        email = self.sub.message_ids.filtered(lambda m: "Next renewal" in (m.body or ""))[:1]
        self.assertIn("33.00", email.body)
        self.assertIn("tax incl.", email.body)
