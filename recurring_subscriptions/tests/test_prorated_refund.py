from freezegun import freeze_time

from odoo.tests import tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestProratedRefund(RecurringCommon):
    def test_refund_takes_only_this_subscriptions_lines(self):
        """Two subscriptions of the same product on one order: closing one refunds
        its own line only."""
        with freeze_time("2026-03-01"):
            order = self._create_order(
                [
                    {
                        "product_id": self.product_desk.id,
                        "recurring_plan_id": self.plan_monthly.id,
                        "price_unit": 300.0,
                    },
                    {
                        "product_id": self.product_desk.id,
                        "recurring_plan_id": self.plan_yearly.id,
                        "price_unit": 2000.0,
                    },
                ]
            )
            order.action_confirm()
            invoice = order._create_invoices()
            invoice.action_post()
        monthly = order.recurring_source_subscription_ids.filtered(
            lambda s: s.plan_id == self.plan_monthly
        )
        with freeze_time("2026-03-16"):
            monthly._action_close(self.env["recurring.close.reason"], credit_note=True)
        credit_note = monthly.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(len(credit_note), 1)
        self.assertEqual(len(credit_note.invoice_line_ids), 1)
        line = credit_note.invoice_line_ids
        # The unused part of the monthly line (300), never the yearly one (2000).
        self.assertTrue(0 < line.price_unit < 300.0, line.price_unit)
        self.assertLess(credit_note.amount_total, 300.0)
