from datetime import date

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestFiscalPosition(RecurringCommon):
    """Foreign or B2B customers are billed through their fiscal position."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tax = cls.env["account.tax"]
        cls.tax_domestic = Tax.create(
            {"name": "Domestic 15%", "amount": 15.0, "type_tax_use": "sale"}
        )
        cls.tax_export = Tax.create({"name": "Export 0%", "amount": 0.0, "type_tax_use": "sale"})
        cls.fpos_export = cls.env["account.fiscal.position"].create(
            {
                "name": "Export",
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": cls.tax_domestic.id, "tax_dest_id": cls.tax_export.id}
                    )
                ],
            }
        )
        cls.partner_export = cls.env["res.partner"].create(
            {
                "name": "Foreign Buyer",
                "email": "buyer@example.com",
                "property_account_position_id": cls.fpos_export.id,
            }
        )
        cls.product_desk.taxes_id = cls.tax_domestic

    def test_manual_subscription_maps_taxes_and_renewals_carry_the_position(self):
        sub = self._create_subscription(partner=self.partner_export)
        self.assertEqual(sub.fiscal_position_id, self.fpos_export)
        self.assertEqual(sub.line_ids.tax_ids, self.tax_export)
        with freeze_time("2026-01-31"):
            sub.action_start()
            self._run_cron()
        order = sub.order_ids
        self.assertEqual(order.fiscal_position_id, self.fpos_export)
        self.assertEqual(order.order_line.tax_id, self.tax_export)
        invoice = sub.invoice_ids
        self.assertEqual(invoice.fiscal_position_id, self.fpos_export)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax_export)
        self.assertAlmostEqual(invoice.amount_total, 30.0)

    def test_fiscal_position_is_overridable(self):
        sub = self._create_subscription(partner=self.partner)
        self.assertFalse(sub.fiscal_position_id)
        self.assertEqual(sub.line_ids.tax_ids, self.tax_domestic)
        sub.fiscal_position_id = self.fpos_export
        self.assertEqual(sub.line_ids.tax_ids, self.tax_export)

    def test_invoice_only_renewal_carries_the_position(self):
        plan = self.env["recurring.plan"].create(
            {"name": "Invoice only", "payment_mode": "manual", "create_order": False}
        )
        self.product_desk.recurring_product_plan_ids = [Command.create({"plan_id": plan.id})]
        sub = self._create_subscription(plan=plan, partner=self.partner_export)
        with freeze_time("2026-01-31"):
            sub.action_start()
            self._run_cron()
        self.assertEqual(sub.invoice_ids.fiscal_position_id, self.fpos_export)
        self.assertEqual(sub.invoice_ids.invoice_line_ids.tax_ids, self.tax_export)

    @freeze_time("2026-03-10")
    def test_subscription_from_order_keeps_the_order_position(self):
        order = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_monthly.id}],
            partner=self.partner_export,
        )
        self.assertEqual(order.fiscal_position_id, self.fpos_export)
        order.action_confirm()
        sub = order.recurring_source_subscription_ids
        self.assertEqual(sub.fiscal_position_id, self.fpos_export)
        self.assertEqual(sub.line_ids.tax_ids, self.tax_export)

    def test_tax_included_price_gives_untaxed_subtotal(self):
        tax_included = self.env["account.tax"].create(
            {
                "name": "VAT 20% incl.",
                "amount": 20.0,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        sub = self._create_subscription(
            lines=[
                {
                    "product_id": self.product_desk.id,
                    "quantity": 2.0,
                    "price_mode": "fixed",
                    "price_unit": 120.0,
                    "tax_ids": [Command.set(tax_included.ids)],
                }
            ],
            start=date(2026, 1, 31),
        )
        self.assertAlmostEqual(sub.line_ids.price_subtotal, 200.0)
        self.assertAlmostEqual(sub.recurring_total, 200.0)
