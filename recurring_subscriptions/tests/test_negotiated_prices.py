from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestNegotiatedPrices(RecurringCommon):
    """Item 11 and 12 of issue 9: a price agreed by hand survives quantity changes."""

    def test_subscription_line_quantity_change_keeps_price_and_discount(self):
        sub = self._create_subscription(plan=self.plan_yearly)
        line = sub.line_ids
        line.write({"price_unit": 0.0, "discount": 5.0})
        line.quantity = 3.0
        self.assertEqual(line.price_unit, 0.0, "a fixed 0.00 stays 0.00")
        self.assertEqual(line.discount, 5.0, "the agreed discount stays")

    def test_subscription_line_form_quantity_change_keeps_price(self):
        sub = self._create_subscription(plan=self.plan_yearly)
        with Form(sub) as form, form.line_ids.edit(0) as line:
            line.price_unit = 0.0
            line.discount = 5.0
        with Form(sub) as form, form.line_ids.edit(0) as line:
            line.quantity = 4.0
        self.assertEqual(sub.line_ids.price_unit, 0.0)
        self.assertEqual(sub.line_ids.discount, 5.0)

    def test_plan_change_reprices_subscription_line(self):
        sub = self._create_subscription(plan=self.plan_monthly)
        sub.line_ids.write({"price_mode": "pricelist", "discount": 3.0})
        sub.plan_id = self.plan_yearly
        self.assertEqual(sub.line_ids.discount, 10.0, "the yearly plan's discount applies")

    @freeze_time("2026-03-10")
    def test_order_line_quantity_change_keeps_agreed_discount(self):
        order = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_yearly.id}]
        )
        self.assertEqual(order.order_line.discount, 10.0)
        order.order_line.write({"discount": 25.0, "price_unit": 0.0})
        with Form(order) as form, form.order_line.edit(0) as line:
            line.product_uom_qty = 3.0
        self.assertEqual(order.order_line.discount, 25.0)
        self.assertEqual(order.order_line.price_unit, 0.0)
        order.order_line.product_uom_qty = 5.0
        self.assertEqual(order.order_line.discount, 25.0)
        self.assertEqual(order.order_line.price_unit, 0.0)

    def test_trial_renewal_quotation_keeps_its_price_on_update_prices(self):
        plan = self.env["recurring.plan"].create(
            {
                "name": "Trial, quotation only",
                "payment_mode": "manual",
                "trial_interval": 7,
                "trial_unit": "day",
                "confirm_order": False,
                "post_invoice": False,
            }
        )
        self.product_desk.recurring_product_plan_ids = [
            Command.create({"plan_id": plan.id, "fixed_price": 150.0})
        ]
        sub = self._create_subscription(plan=plan)
        with freeze_time("2026-01-31"):
            sub.action_start()
        with freeze_time("2026-02-07"):
            self._run_cron()
            order = sub.order_ids
            self.assertEqual(order.state, "draft")
            self.assertEqual(order.order_line.price_unit, 30.0)
            order.action_update_prices()
        self.assertEqual(order.order_line.price_unit, 150.0, "the plan's price, not 0")
        self.assertFalse(order.order_line.recurring_deferred)
