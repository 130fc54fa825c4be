from contextlib import contextmanager
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestValidation(RecurringCommon):
    """Bad input is refused with a clear message and leaves the records as they were."""

    @contextmanager
    def _refused(self, exception, pattern):
        """``assertRaises`` (which rolls the savepoint back) and a check of the message.

        unittest's ``assertRaisesRegex`` has no savepoint: the refused values would
        stay in the cache and hide whether anything changed.
        """
        with self.assertRaises(exception) as catcher:
            yield
        self.assertRegex(str(catcher.exception), pattern)

    def _new_plan(self, **values):
        return self.env["recurring.plan"].create(
            {"name": "Broken plan", "billing_unit": "month", "payment_mode": "manual", **values}
        )

    # ------------------------------------------------------------------
    # Plans
    # ------------------------------------------------------------------

    def test_plan_recurrence_must_be_positive(self):
        cases = [
            ({"billing_interval": 0}, "billing interval"),
            ({"billing_interval": -2}, "billing interval"),
            ({"trial_interval": -1}, "trial"),
            ({"duration_type": "limited", "duration_count": 0}, "at least one period"),
        ]
        for values, words in cases:
            with self.subTest(values=values):
                with self._refused(ValidationError, f"Plan Monthly: .*{words}"):
                    self.plan_monthly.write(values)
                self.assertEqual(
                    (self.plan_monthly.billing_interval, self.plan_monthly.trial_interval),
                    (1, 0),
                    "the plan keeps its recurrence",
                )
                self.assertEqual(self.plan_monthly.duration_type, "forever")

    def test_limited_plan_without_periods_cannot_be_created(self):
        with self._refused(ValidationError, "Broken plan"):
            self._new_plan(duration_type="limited", duration_count=0)
        self.assertFalse(self.env["recurring.plan"].search([("name", "=", "Broken plan")]))

    def test_plan_renewal_steps_must_make_sense(self):
        cases = [
            # An order that is not confirmed cannot be invoiced.
            {"create_order": True, "confirm_order": False, "post_invoice": True},
            # Without an order, a renewal must at least make an invoice.
            {"create_order": False, "confirm_order": False, "post_invoice": False},
        ]
        for values in cases:
            with self.subTest(values=values):
                with self._refused(ValidationError, "Plan Broken plan: "):
                    self._new_plan(**values)
                with self._refused(ValidationError, "Plan Monthly: "):
                    self.plan_monthly.write(values)
                self.assertEqual(
                    (
                        self.plan_monthly.create_order,
                        self.plan_monthly.confirm_order,
                        self.plan_monthly.post_invoice,
                    ),
                    (True, True, True),
                )

    # ------------------------------------------------------------------
    # Subscriptions and their lines
    # ------------------------------------------------------------------

    def test_end_date_before_start_date_is_refused(self):
        sub = self._create_subscription(start=date(2026, 1, 31))
        with self._refused(ValidationError, "end date cannot be before the start date"):
            sub.write({"end_date": date(2026, 1, 30)})
        self.assertFalse(sub.end_date, "the end date is left empty")
        sub.end_date = date(2026, 1, 31)
        self.assertEqual(sub.end_date, date(2026, 1, 31), "a one-day subscription is fine")

    def test_line_quantity_and_discount_are_checked(self):
        sub = self._create_subscription()
        line = sub.line_ids
        with self._refused(ValidationError, "Coworking membership cannot be negative"):
            line.write({"quantity": -1.0})
        with self._refused(ValidationError, "between 0 and 100"):
            line.write({"discount": 120.0})
        self.assertEqual((line.quantity, line.discount), (1.0, 0.0))
        self.assertEqual(sub.recurring_total, 30.0)

    @freeze_time("2026-01-31")
    def test_subscription_without_quantity_cannot_start(self):
        empty = self.env["recurring.subscription"].create(
            {"partner_id": self.partner.id, "plan_id": self.plan_monthly.id}
        )
        zero = self._create_subscription(
            lines=[
                {
                    "product_id": self.product_desk.id,
                    "quantity": 0.0,
                    "price_mode": "fixed",
                    "price_unit": 30.0,
                }
            ]
        )
        for sub in empty | zero:
            with self.subTest(sub=sub.name):
                with self._refused(UserError, "has no line"):
                    sub.action_start()
                self.assertEqual(sub.state, "draft")
                self.assertFalse(sub.next_date)
                self.assertFalse(sub.occurrence_ids)

    def test_plan_not_offered_for_product_is_refused(self):
        # The vegetable box is sold weekly or monthly, never yearly.
        with self._refused(ValidationError, "Yearly is not allowed for the product Vegetable box"):
            self._create_subscription(
                plan=self.plan_yearly, lines=[{"product_id": self.product_box.id, "quantity": 1.0}]
            )
        # The coworking membership is monthly or yearly, never weekly.
        sub = self._create_subscription()
        with self._refused(ValidationError, "Weekly is not allowed"):
            sub.write({"plan_id": self.plan_weekly.id})
        self.assertEqual(sub.plan_id, self.plan_monthly)
        yearly = self._create_subscription(plan=self.plan_yearly)
        with self._refused(ValidationError, "Vegetable box"):
            yearly.write({"line_ids": [Command.create({"product_id": self.product_box.id})]})
        with self._refused(ValidationError, "Vegetable box"):
            self.env["recurring.subscription.line"].create(
                {"subscription_id": yearly.id, "product_id": self.product_box.id}
            )
        self.assertEqual(yearly.line_ids.product_id, self.product_desk)

    def test_pricelist_in_another_currency_sets_the_subscription_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        pricelist = self.env["product.pricelist"].create(
            {"name": "Euro customers", "currency_id": eur.id}
        )
        sub = self._create_subscription(pricelist_id=pricelist.id)
        self.assertEqual(sub.currency_id, eur)
        self.assertEqual(sub.line_ids.currency_id, eur)
        with freeze_time("2026-01-31"):
            sub.action_start()
            self._run_cron()
        self.assertEqual(sub.order_ids.currency_id, eur)
        self.assertEqual(sub.invoice_ids.currency_id, eur)

    def test_payment_method_of_another_customer_is_refused(self):
        provider = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        method = self.env.ref("payment_demo.payment_method_demo", raise_if_not_found=False)
        if not (provider and method):
            self.skipTest("payment_demo is not installed")
        Token = self.env["payment.token"]
        token_a, token_b = Token.create(
            [
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "partner_id": partner.id,
                    "payment_details": "4242",
                    "provider_ref": f"ref-{partner.id}",
                }
                for partner in (self.partner, self.partner_b)
            ]
        )
        sub = self._create_subscription(payment_token_id=token_a.id)
        with self._refused(ValidationError, "belongs to another customer"):
            sub.write({"payment_token_id": token_b.id})
        self.assertEqual(sub.payment_token_id, token_a)

    @freeze_time("2026-01-31")
    def test_running_subscription_cannot_change_its_recurrence(self):
        sub = self._create_subscription()
        sub.action_start()
        with self._refused(UserError, "recurrence of a running subscription cannot change"):
            sub.write({"plan_id": self.plan_yearly.id})
        self.assertEqual(sub.plan_id, self.plan_monthly)
        self.assertEqual(sub.next_date, date(2026, 1, 31))
        # Another plan with the same recurrence is fine (e.g. other payment terms).
        plan_card = self.plan_monthly.copy({"name": "Monthly by card", "payment_mode": "token"})
        self.product_desk.recurring_product_plan_ids = [Command.create({"plan_id": plan_card.id})]
        sub.write({"plan_id": plan_card.id})
        self.assertEqual(sub.plan_id, plan_card)

    # ------------------------------------------------------------------
    # Products
    # ------------------------------------------------------------------

    def test_recurring_product_needs_a_plan(self):
        with self._refused(ValidationError, "Seed kit needs at least one plan"):
            self.env["product.product"].create({"name": "Seed kit", "recurring_ok": True})
        with self._refused(ValidationError, "Welcome pack needs at least one plan"):
            self.product_plain.write({"recurring_ok": True})
        self.assertFalse(self.product_plain.recurring_ok, "the product stays a one-off sale")
        # Removing every plan of a recurring product, from the product form or by import.
        template = self.product_desk.product_tmpl_id
        rows = template.recurring_product_plan_ids
        for values in (
            {"recurring_product_plan_ids": [Command.delete(row.id) for row in rows]},
            {"recurring_plan_ids": [Command.clear()]},
        ):
            with (
                self.subTest(values=values),
                self._refused(ValidationError, "needs at least one plan"),
            ):
                template.write(values)
            self.assertEqual(template.recurring_product_plan_ids, rows)

    def test_plan_list_of_a_product_can_be_narrowed(self):
        # ``recurring_plan_ids`` is the importable "Plans" column of a product.
        template = self.product_desk.product_tmpl_id
        template.write({"recurring_plan_ids": [Command.set(self.plan_monthly.ids)]})
        self.assertEqual(template.recurring_product_plan_ids.plan_id, self.plan_monthly)
        self.assertEqual(template.recurring_plan_ids, self.plan_monthly)

    def test_plan_discount_and_price_are_checked(self):
        row = self.product_desk.recurring_product_plan_ids.filtered(
            lambda r: r.plan_id == self.plan_yearly
        )
        with self._refused(ValidationError, "between 0 and 100"):
            row.write({"discount": 120.0})
        with self._refused(ValidationError, "cannot be negative"):
            row.write({"fixed_price": -5.0})
        self.assertEqual((row.discount, row.fixed_price), (10.0, 0.0))
