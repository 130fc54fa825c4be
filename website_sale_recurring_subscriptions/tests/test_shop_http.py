from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from odoo.addons.recurring_subscriptions.utils import periods

from .shop_common import RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopCart(RecurringShopCommon, HttpCase):
    """Product page, cart and checkout of recurring products, over HTTP (real dates)."""

    def _date(self, day):
        return format_date(self.env, day)

    def test_product_page_lists_the_plans_with_their_price(self):
        self.authenticate(None, None)
        response = self.url_open(self.product_desk.website_url)
        tree = html.fromstring(response.text)
        offered = tree.xpath("//input[@name='recurring_plan_id']/@value")
        self.assertEqual(
            offered,
            [
                str(plan.id)
                for plan in (
                    self.plan_monthly,
                    self.plan_yearly,
                    self.plan_card,
                    self.plan_trial,
                    self.plan_terms,
                    self.plan_limited,
                )
            ],
            "the product's plans, in order; weekly is not offered",
        )
        self.assertEqual(
            tree.xpath("//input[@name='recurring_plan_id'][@checked]/@value"),
            [str(self.plan_monthly.id)],
            "the first plan is chosen by default",
        )
        text = self._page_text(response)
        self.assertShown(
            text,
            "Monthly $ 200.00 Yearly",
            # Yearly: 200.00 less the plan's 10%, the price before discount struck through.
            "Yearly $ 180.00 $ 200.00 -10%",
            "Free trial: 14 days",
            "10 deliveries",
            "Terms and conditions of the Annual contract plan",
            "Twelve months minimum",
            "First delivery (optional)",
        )

    def test_plain_product_page_has_no_plans(self):
        self.authenticate(None, None)
        response = self.url_open(self.product_plain.website_url)
        self.assertNotIn("recurring_plan_id", response.text)

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

    def test_a_product_added_without_a_plan_gets_its_first_plan(self):
        self._login()
        self._add_to_cart()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        # Starting today is the default start.
        self._add_to_cart(
            recurring_plan_id=self.plan_monthly.id, recurring_start_date=str(fields.Date.today())
        )
        line = self._cart().order_line
        self.assertEqual(len(line), 1)
        self.assertEqual(line.recurring_plan_id, self.plan_monthly)
        self.assertEqual(line.product_uom_qty, 3)
        self.assertFalse(line.recurring_start_date)

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

        end = periods.end_after_periods(start, "month", 1, 3)
        self.assertShown(
            self._page_text(self.url_open("/shop/cart")),
            f"Starts {self._date(start)}, ends {self._date(end)}",
            f"Next payment {self._date(start)}",
            "Nothing to pay today for this subscription",
            f"Total $ 0.00 The total is what you pay today. Then: "
            f"Monthly, from {self._date(start)} $ 200.00 tax excl.",
        )

    def test_cart_and_checkout_show_the_schedule_and_recurring_total(self):
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_yearly.id)
        today = fields.Date.today()
        next_date = periods.period_start(today, "year", 1, 1)
        expected = (
            f"Yearly: $ 180.00 tax excl. yearly Starts {self._date(today)} "
            f"Next payment {self._date(next_date)}",
            f"Total $ 180.00 The total is what you pay today. Then: "
            f"Yearly, from {self._date(next_date)} $ 180.00 tax excl.",
        )
        cart_text = self._page_text(self.url_open("/shop/cart"))
        self.assertShown(cart_text, *expected)
        self.assertNotShown(cart_text, "Nothing to pay today")
        # The checkout's order summary (payment page) shows the same.
        self.assertShown(self._page_text(self.url_open("/shop/payment")), *expected)

    def test_trial_line_is_free_today_and_charged_after_the_trial(self):
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_trial.id)
        self.assertEqual(self._cart().amount_total, 0.0)
        trial_end = fields.Date.today() + timedelta(days=14)
        self.assertShown(
            self._page_text(self.url_open("/shop/cart")),
            f"Free trial until {self._date(trial_end)}",
            f"Next payment {self._date(trial_end)}",
            "Nothing to pay today for this subscription",
            f"Monthly with trial, from {self._date(trial_end)} $ 200.00",
        )

    def test_a_plan_not_allowed_for_the_product_is_refused(self):
        self._login()
        response = self._add_to_cart(recurring_plan_id=self.plan_weekly.id)
        self.assertNotEqual(response.status_code, 303)
        self.assertIn("This plan is not available for Coworking membership.", response.text)
        self.assertFalse(self._cart().order_line)

    def test_invalid_schedules_are_refused(self):
        self._login()
        today = fields.Date.today()
        yesterday = today - timedelta(days=1)
        cases = [
            ({"recurring_start_date": str(yesterday)}, "A subscription cannot start in the past"),
            ({"recurring_start_date": "someday"}, "someday is not a valid date."),
            ({"recurring_period_count": "two"}, "must be a whole number"),
            ({"recurring_end_date": str(yesterday)}, "cannot end before it starts"),
            (
                {
                    "recurring_end_date": str(today + timedelta(days=60)),
                    "recurring_period_count": "2",
                },
                "Choose an end date or a number of deliveries, not both.",
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
        cart_page = html.fromstring(self.url_open("/shop/cart").text)
        self.assertEqual(
            cart_page.xpath("//a[@name='website_sale_main_button']/@href"),
            ["/web/login?redirect=/shop/checkout?try_skip_step=true"],
        )
        for route in ("/shop/checkout", "/shop/confirm_order", "/shop/payment"):
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

    def test_logged_in_shopper_goes_from_cart_to_payment(self):
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        cart_page = html.fromstring(self.url_open("/shop/cart").text)
        href = cart_page.xpath("//a[@name='website_sale_main_button']/@href")
        self.assertEqual(href, ["/shop/checkout?try_skip_step=true"])
        response = self.url_open(href[0], allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/shop/confirm_order"))
        payment = self.url_open("/shop/payment")
        self.assertEqual(payment.status_code, 200)
        self.assertIn('id="o_payment_form"', payment.text)

    def test_no_express_checkout_for_subscriptions(self):
        self._login()
        self._add_to_cart(self.product_plain)
        self.assertIn('name="o_express_checkout_container"', self.url_open("/shop/cart").text)
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        self.assertNotIn('name="o_express_checkout_container"', self.url_open("/shop/cart").text)

    def test_csrf_token_is_required(self):
        self._login()
        response = self.url_open(
            "/shop/cart/update",
            data={"product_id": self.product_desk.id, "recurring_plan_id": self.plan_monthly.id},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._cart().order_line)
