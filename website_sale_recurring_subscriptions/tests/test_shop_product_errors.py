from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .shop_common import RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopProductErrors(RecurringShopCommon, HttpCase):
    """Refused subscription options on the product page are answered with a message
    about the input concerned, and nothing is added to a cart."""

    def _update_json(self, **options):
        return self.make_jsonrpc_request(
            "/shop/cart/update_json",
            {"product_id": self.product_desk.id, "add_qty": 1, **options},
        )

    def test_negative_number_of_deliveries(self):
        self._login()
        answer = self._update_json(
            recurring_plan_id=self.plan_monthly.id, recurring_period_count="-2"
        )
        self.assertEqual(answer["recurring_field"], "recurring_period_count")
        self.assertEqual(answer["recurring_error"], "The number of deliveries cannot be negative.")
        self.assertEqual(answer["notification_info"]["warning"], answer["recurring_error"])
        self.assertFalse(self._cart().order_line, "nothing was added")

    def test_start_date_in_the_past(self):
        self._login()
        yesterday = fields.Date.today() - timedelta(days=1)
        answer = self._update_json(
            recurring_plan_id=self.plan_monthly.id, recurring_start_date=yesterday.isoformat()
        )
        self.assertEqual(answer["recurring_field"], "recurring_start_date")
        self.assertIn("A subscription cannot start in the past", answer["recurring_error"])
        self.assertFalse(self._cart().order_line)

    def test_check_route_answers_before_adding(self):
        self.authenticate(None, None)
        answer = self.make_jsonrpc_request(
            "/shop/recurring/check_options",
            {
                "product_id": 0,
                "product_template_id": self.product_desk.product_tmpl_id.id,
                "recurring_plan_id": str(self.plan_monthly.id),
                "recurring_period_count": "-1",
            },
        )
        self.assertEqual(answer["recurring_field"], "recurring_period_count")
        ok = self.make_jsonrpc_request(
            "/shop/recurring/check_options",
            {"product_id": self.product_desk.id, "recurring_plan_id": str(self.plan_monthly.id)},
        )
        self.assertEqual(ok, {})

    def test_valid_options_are_added(self):
        self._login()
        answer = self._update_json(
            recurring_plan_id=self.plan_monthly.id, recurring_period_count="3"
        )
        self.assertNotIn("recurring_error", answer)
        self.assertEqual(self._cart().order_line.recurring_period_count, 3)


@tagged("post_install", "-at_install")
class TestShopProductErrorsTour(RecurringShopCommon, HttpCase):
    """In the browser: the message appears under the input, the price follows the plan."""

    def test_tour_option_error_shown_under_the_input(self):
        self._start_tour_or_fail(
            self.product_desk.website_url, "recurring_shop_option_errors", self.shopper.login
        )
        self.env.invalidate_all()
        self.assertFalse(self._cart().order_line, "nothing was added")
