from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.payment.models.payment_transaction import PaymentTransaction

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestPaymentToken(RecurringCommon):
    """Renewals paid with a saved card, through the payment framework (payment_demo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env.ref("payment.payment_provider_demo")
        cls.provider.write({"state": "test"})
        cls.payment_method = cls.env.ref("payment_demo.payment_method_demo")
        cls.plan_card = cls.env["recurring.plan"].create(
            {"name": "Monthly by card", "payment_mode": "token"}
        )
        cls.product_desk.recurring_product_plan_ids = [
            Command.create({"plan_id": cls.plan_card.id})
        ]

    def _token(self, state="done", partner=None):
        return self.env["payment.token"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method.id,
                "partner_id": (partner or self.partner).id,
                "payment_details": "4242",
                "provider_ref": "demo-customer",
                "demo_simulated_state": state,
            }
        )

    def _card_subscription(self, token, partner=None):
        sub = self._create_subscription(
            plan=self.plan_card, partner=partner, payment_token_id=token.id if token else False
        )
        sub.action_start()
        return sub

    @freeze_time("2026-01-31")
    def test_successful_charge_pays_and_reconciles_the_invoice(self):
        sub = self._card_subscription(self._token("done"))
        self._run_cron()
        invoice = sub.invoice_ids
        tx = sub.occurrence_ids.transaction_ids
        self.assertEqual(len(tx), 1)
        self.assertEqual((tx.state, tx.operation, tx.amount), ("done", "offline", 30.0))
        self.assertEqual(tx.invoice_ids, invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(tx.payment_id.is_reconciled or invoice.payment_state == "paid")
        self.assertEqual(sub.state, "active")
        self.assertTrue(sub.event_ids.filtered(lambda e: e.event_type == "payment"))
        # Running again charges nothing more.
        self._run_cron()
        self.assertEqual(
            len(self.env["payment.transaction"].search([("invoice_ids", "in", invoice.ids)])), 1
        )

    @freeze_time("2026-01-31")
    def test_declined_charge_makes_the_subscription_past_due(self):
        sub = self._card_subscription(self._token("error"))
        self._run_cron()
        tx = sub.occurrence_ids.transaction_ids
        self.assertEqual(tx.state, "error")
        self.assertEqual(sub.state, "past_due")
        self.assertEqual(sub.invoice_ids.payment_state, "not_paid")
        self.assertTrue(sub.event_ids.filtered("is_error"))
        # The accountant registers the payment: the subscription is active again.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=sub.invoice_ids.ids
        ).create({})._create_payments()
        self.assertIn(sub.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(sub.state, "active")

    @freeze_time("2026-01-31")
    def test_without_card_a_payment_request_is_sent(self):
        sub = self._card_subscription(token=False)
        self._run_cron()
        self.assertFalse(sub.occurrence_ids.transaction_ids)
        self.assertTrue(sub.invoice_ids.sending_data, "the invoice goes out with its pay link")
        self.assertTrue(
            sub.event_ids.filtered(lambda e: "No saved payment method" in e.message),
            "the fallback is logged",
        )
        self.assertEqual(sub.state, "active")

    @freeze_time("2026-01-31")
    def test_provider_failure_is_isolated_to_its_subscription(self):
        sub_ok = self._card_subscription(self._token("done"))
        sub_down = self._card_subscription(
            self._token("done", self.partner_b), partner=self.partner_b
        )
        original = PaymentTransaction._send_payment_request

        def send(tx):
            if tx.partner_id == self.partner_b:
                raise ConnectionError("provider unreachable")
            return original(tx)

        with patch.object(PaymentTransaction, "_send_payment_request", send):
            self._run_cron()
        self.assertIn(sub_ok.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(sub_down.occurrence_ids.transaction_ids.state, "error")
        self.assertEqual(sub_down.state, "past_due")
        self.assertEqual(
            sub_down.next_date, date(2026, 2, 28), "the period itself was renewed once"
        )
        self.assertEqual(len(sub_down.order_ids), 1)
