"""Renewal orders capped to real stock: two subscriptions compete for 3 units."""

from datetime import date

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.recurring_subscriptions.tests.common import RecurringCommon


@tagged("post_install", "-at_install")
class TestStockCaps(RecurringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.plan_stock = cls.env["recurring.plan"].create(
            {
                "name": "Weekly box, capped",
                "billing_unit": "week",
                "payment_mode": "manual",
                "stock_policy": "cap",
            }
        )
        cls.product_jam = cls.env["product.product"].create(
            {
                "name": "Jam jar",
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "order",
                "list_price": 4.0,
                "taxes_id": [Command.clear()],
                "recurring_ok": True,
                "recurring_product_plan_ids": [Command.create({"plan_id": cls.plan_stock.id})],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product_jam, cls.warehouse.lot_stock_id, 3.0
        )
        lines = [
            {
                "product_id": cls.product_jam.id,
                "quantity": 2.0,
                "price_mode": "fixed",
                "price_unit": 4.0,
            }
        ]
        cls.first = cls._create_subscription(
            plan=cls.plan_stock, lines=lines, start=date(2026, 1, 5)
        )
        cls.second = cls._create_subscription(
            plan=cls.plan_stock, partner=cls.partner_b, lines=lines, start=date(2026, 1, 5)
        )

    def _renew(self):
        with freeze_time("2026-01-05"):
            (self.first | self.second).action_start()
            self._run_cron()

    def _jam_qty(self, sub):
        return sub.order_ids.order_line.filtered(lambda l: l.product_id == self.product_jam)

    def test_competing_subscriptions_share_the_stock_earliest_first(self):
        self._renew()
        self.assertEqual(self._jam_qty(self.first).product_uom_qty, 2.0)
        capped = self._jam_qty(self.second)
        self.assertEqual(capped.product_uom_qty, 1.0)
        self.assertEqual(capped.recurring_requested_qty, 2.0)
        order = self.second.order_ids
        note = order.order_line.filtered(lambda l: l.display_type == "line_note")
        self.assertIn("only 1.0 Units in stock, 2.0 subscribed", note.name)
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.second.invoice_ids.amount_untaxed, 4.0)
        event = self.second.event_ids.filtered(lambda e: e.digest_category == "stock")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.document_ref, order)
        self.assertFalse(self.first.event_ids.filtered(lambda e: e.digest_category == "stock"))
        # The stock is now promised to these two orders.
        self.assertEqual(
            self.product_jam.with_context(warehouse_id=self.warehouse.id).free_qty, 0.0
        )

    def test_skip_policy_leaves_the_line_out(self):
        self.plan_stock.stock_policy = "skip"
        self._renew()
        self.assertEqual(self._jam_qty(self.first).product_uom_qty, 2.0)
        order = self.second.order_ids
        self.assertFalse(self._jam_qty(self.second))
        note = order.order_line.filtered(lambda l: l.display_type == "line_note")
        self.assertIn("out of stock, not delivered this time", note.name)

    def test_ignore_policy_orders_everything(self):
        self.plan_stock.stock_policy = "ignore"
        self._renew()
        self.assertEqual(self._jam_qty(self.second).product_uom_qty, 2.0)
        self.assertFalse(self.second.event_ids.filtered(lambda e: e.digest_category == "stock"))

    def test_digest_lists_the_reduced_order(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "recurring_subscriptions.digest_recipients", "shop@example.com"
        )
        self._renew()
        digest = self.env["mail.mail"].search([("email_to", "=", "shop@example.com")])
        self.assertEqual(len(digest), 1)
        self.assertIn("o_recurring_digest_stock", digest.body_html)
        self.assertIn(self.second.name, digest.body_html)
