from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.payment.models.payment_transaction import PaymentTransaction

from .common import RecurringPaymentCommon


@tagged("post_install", "-at_install")
class TestPaymentToken(RecurringPaymentCommon):
    """Renewals paid with a saved card, through the payment framework (payment_demo)."""

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

    def test_unreachable_provider_resends_the_same_transaction_later(self):
        with freeze_time("2026-01-31 09:00"):
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
        tx = sub_down.occurrence_ids.transaction_ids
        self.assertEqual(tx.state, "draft", "nothing was charged: the charge is rolled back")
        self.assertEqual(sub_down.state, "active", "an outage is not the customer's fault")
        self.assertTrue(
            sub_down.event_ids.filtered(lambda e: e.is_error and "will be sent again" in e.message)
        )
        self.assertEqual(sub_down.next_date, date(2026, 2, 28), "the period was renewed once")
        with freeze_time("2026-01-31 10:00"):
            self._run_cron()
        self.assertEqual(
            sub_down.occurrence_ids.transaction_ids, tx, "same transaction, no new one"
        )
        self.assertEqual(tx.state, "done")
        self.assertIn(sub_down.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(len(sub_down.order_ids), 1)

    @freeze_time("2026-01-31")
    def test_card_renewals_charged_together_each_get_their_own_payment(self):
        subs = [
            self._card_subscription(self._token("done", partner), partner=partner)
            for partner in (self.partner, self.partner_b)
        ]
        self._run_cron()
        payments = self.env["account.payment"]
        for sub in subs:
            tx = sub.occurrence_ids.transaction_ids
            payment = tx.payment_id
            self.assertEqual(payment.amount, 30.0)
            self.assertEqual(payment.partner_id, sub.partner_id)
            self.assertEqual(payment.payment_transaction_id, tx)
            self.assertEqual(payment.reconciled_invoice_ids, sub.invoice_ids)
            self.assertIn(sub.invoice_ids.payment_state, ("paid", "in_payment"))
            self.assertTrue(tx.is_post_processed)
            payments |= payment
        self.assertEqual(len(payments), 2)
