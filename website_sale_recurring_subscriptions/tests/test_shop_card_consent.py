from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from .shop_common import RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopCardConsent(RecurringShopCommon, HttpCase):
    """The payment page of a recurring cart states what the saved card will be charged."""

    def _payment_page(self, **options):
        self._login()
        self._add_to_cart(**options)
        response = self.url_open("/shop/checkout?try_skip_step=true")
        self.assertTrue(response.url.endswith("/shop/payment"), response.url)
        return self._page_text(response)

    def test_consent_when_the_first_period_is_paid_today(self):
        today = fields.Date.today()
        text = self._payment_page(recurring_plan_id=self.plan_monthly.id)
        next_date = self._cart().order_line._get_recurring_shop_summary()["next_date"]
        self.assertGreater(next_date, today)
        self.assertShown(
            text,
            "Your card will be saved for your subscription",
            "Monthly: the first period is paid today; your card is then charged "
            f"$ 200.00 (tax excl.) monthly, first on {format_date(self.env, next_date)}.",
            "until you cancel. You can cancel at any time in My Account, Subscriptions.",
        )

    def test_consent_when_nothing_is_due_today(self):
        start = fields.Date.today() + timedelta(days=5)
        text = self._payment_page(
            recurring_plan_id=self.plan_monthly.id, recurring_start_date=start.isoformat()
        )
        self.assertShown(
            text,
            "Monthly: nothing is charged today; your card is charged $ 200.00 (tax excl.) "
            f"monthly, first on {format_date(self.env, start)}.",
        )

    def test_plain_cart_has_no_card_consent(self):
        self._login()
        self._add_to_cart(self.product_plain)
        text = self._page_text(self.url_open("/shop/payment"))
        self.assertNotShown(text, "Your card will be saved for your subscription")
