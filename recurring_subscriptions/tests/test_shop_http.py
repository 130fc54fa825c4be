from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from ..utils import periods
from .shop_common import RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopCart(RecurringShopCommon, HttpCase):
    """Product page, cart and checkout of recurring products, over HTTP (real dates)."""

    def test_product_page_lists_the_plans_with_their_price(self):
        self.authenticate(None, None)
        response = self.url_open(self.product_desk.website_url)
        self.assertEqual(response.status_code, 200)
        page = response.text
        for plan in (self.plan_monthly, self.plan_yearly, self.plan_trial, self.plan_limited):
            self.assertIn(f'name="recurring_plan_id" value="{plan.id}"', page.replace("\n", ""))
        self.assertNotIn(f'value="{self.plan_weekly.id}"', page, "weekly is not offered")
        # Yearly: 200.00 with the plan's 10% discount, the list price struck through.
        self.assertRegex(page, r"180\.00</span></span>\s*<span>yearly</span>")
        self.assertIn("-10%", page)
        self.assertIn("Free trial: 14 days", page)
        self.assertIn("10 periods", page)
        self.assertIn("Twelve months minimum", page, "the plan's terms are on the page")

    def test_add_to_cart_keeps_the_chosen_plan(self):
        self._login()
        response = self._add_to_cart(recurring_plan_id=self.plan_yearly.id)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/shop/cart"))
        line = self._cart().order_line
        self.assertEqual(line.recurring_plan_id, self.plan_yearly)
        self.assertEqual(line.discount, 10.0)
        self.assertEqual(self._cart().amount_total, 180.0)

    def test_same_product_in_two_plans_makes_two_lines(self):
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        self._add_to_cart(recurring_plan_id=self.plan_yearly.id)
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        lines = self._cart().order_line
        self.assertEqual(len(lines), 2)
        monthly = lines.filtered(lambda l: l.recurring_plan_id == self.plan_monthly)
        yearly = lines - monthly
        self.assertEqual(monthly.product_uom_qty, 2, "same plan again: same line")
        self.assertEqual(yearly.product_uom_qty, 1)
        # Another start date is another subscription, so another line.
        later = fields.Date.today() + timedelta(days=5)
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id, recurring_start_date=str(later))
        self.assertEqual(len(self._cart().order_line), 3)

    def test_a_product_without_a_chosen_plan_gets_its_first_plan(self):
        self._login()
        self._add_to_cart()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        line = self._cart().order_line
        self.assertEqual(len(line), 1)
        self.assertEqual(line.recurring_plan_id, self.plan_monthly)
        self.assertEqual(line.product_uom_qty, 2)

    def test_later_start_and_deliveries_are_kept_and_nothing_is_due_today(self):
        self._login()
        start = fields.Date.today() + timedelta(days=10)
        self._add_to_cart(
            recurring_plan_id=self.plan_monthly.id,
            recurring_start_date=str(start),
            recurring_period_count="3",
        )
        cart = self._cart()
        line = cart.order_line
        self.assertEqual(line.recurring_start_date, start)
        self.assertEqual(line.recurring_period_count, 3)
        self.assertTrue(line.recurring_deferred)
        self.assertEqual(cart.amount_total, 0.0)

        page = self.url_open("/shop/cart").text
        self.assertIn("Nothing to pay today for this subscription", page)
        self.assertIn(f"Starts <span class=\"o_recurring_line_start\">{format_date(self.env, start)}", page)
        end = periods.end_after_periods(start, "month", 1, 3)
        self.assertIn(format_date(self.env, end), page)

    def test_cart_and_checkout_show_the_schedule_and_recurring_total(self):
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_yearly.id)
        today = fields.Date.today()
        next_date = periods.period_start(today, "year", 1, 1)
        page = self.url_open("/shop/cart").text
        self.assertIn('class="o_recurring_line_label">yearly</span>', page)
        self.assertIn(format_date(self.env, next_date), page)
        self.assertIn("The total is what you pay today. Then:", page)
        self.assertRegex(page, r'o_recurring_total_amount[^>]*>\$\s*<span class="oe_currency_value">180\.00')

        payment = self.url_open("/shop/payment")
        self.assertEqual(payment.status_code, 200)
        self.assertIn('class="o_recurring_line_label">yearly</span>', payment.text)
        self.assertIn("The total is what you pay today. Then:", payment.text)

    def test_trial_line_is_free_today_and_charged_after_the_trial(self):
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_trial.id)
        cart = self._cart()
        self.assertEqual(cart.amount_total, 0.0)
        trial_end = fields.Date.today() + timedelta(days=14)
        page = self.url_open("/shop/cart").text
        self.assertIn(f"Free trial until <span>{format_date(self.env, trial_end)}", page)
        self.assertIn(
            f'next payment <span class="o_recurring_line_next">{format_date(self.env, trial_end)}',
            page,
        )
        self.assertRegex(page, r'o_recurring_total_amount[^>]*>\$\s*<span class="oe_currency_value">200\.00')

    def test_a_plan_not_allowed_for_the_product_is_refused(self):
        self._login()
        response = self._add_to_cart(recurring_plan_id=self.plan_weekly.id)
        self.assertNotEqual(response.status_code, 303)
        self.assertIn("This plan is not available for Coworking membership.", response.text)
        self.assertFalse(self._cart().order_line)

    def test_invalid_schedules_are_refused(self):
        self._login()
        yesterday = fields.Date.today() - timedelta(days=1)
        cases = [
            ({"recurring_start_date": str(yesterday)}, "A subscription cannot start in the past."),
            ({"recurring_start_date": "someday"}, "someday is not a valid date."),
            ({"recurring_period_count": "two"}, "must be a whole number"),
            ({"recurring_end_date": str(yesterday)}, "cannot end before it starts"),
            (
                {"recurring_end_date": str(fields.Date.today() + timedelta(days=60)),
                 "recurring_period_count": "2"},
                "not both",
            ),
        ]
        for options, message in cases:
            with self.subTest(options=options):
                response = self._add_to_cart(recurring_plan_id=self.plan_monthly.id, **options)
                self.assertNotEqual(response.status_code, 303)
                self.assertIn(message, response.text)
        response = self._add_to_cart(
            recurring_plan_id=self.plan_limited.id, recurring_period_count="3"
        )
        self.assertIn("The plan Ten weeks lasts 10 periods", response.text)
        self.assertFalse(self._cart().order_line)

    def test_plain_products_ignore_subscription_options(self):
        self._login()
        response = self._add_to_cart(self.product_plain, recurring_plan_id=self.plan_monthly.id)
        self.assertEqual(response.status_code, 303)
        line = self._cart().order_line
        self.assertEqual(line.product_id, self.product_plain)
        self.assertFalse(line.recurring_plan_id)

    def test_checkout_of_a_recurring_cart_requires_a_login(self):
        self.authenticate(None, None)
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        cart_page = self.url_open("/shop/cart")
        self.assertIn('href="/web/login?redirect=/shop/checkout?try_skip_step=true"', cart_page.text)
        for route in ("/shop/checkout", "/shop/payment", "/shop/confirm_order"):
            with self.subTest(route=route):
                response = self.url_open(route, allow_redirects=False)
                self.assertEqual(response.status_code, 303)
                self.assertTrue(
                    response.headers["Location"].endswith("/web/login?redirect=/shop/checkout"),
                    response.headers["Location"],
                )

    def test_checkout_of_a_plain_cart_does_not_require_a_login(self):
        self.authenticate(None, None)
        self._add_to_cart(self.product_plain)
        response = self.url_open("/shop/checkout", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("/web/login", response.headers["Location"])

    def test_after_login_the_checkout_goes_on_with_the_cart(self):
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        response = self.url_open("/shop/checkout?try_skip_step=true", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/shop/confirm_order"))
        payment = self.url_open("/shop/payment")
        self.assertEqual(payment.status_code, 200)
        self.assertIn('id="o_payment_form"', payment.text)

    def test_no_express_checkout_for_subscriptions(self):
        self._login()
        self._add_to_cart(self.product_plain)
        self.assertIn('name="o_payment_express_checkout_form"', self.url_open("/shop/cart").text)
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        self.assertNotIn(
            'name="o_payment_express_checkout_form"', self.url_open("/shop/cart").text
        )

    def test_csrf_token_is_required(self):
        self._login()
        response = self.url_open(
            "/shop/cart/update",
            data={"product_id": self.product_desk.id, "recurring_plan_id": self.plan_monthly.id},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._cart().order_line)

    def _csrf(self):
        return http.Request.csrf_token(self)
