"""A batch of card renewals leaves the trace Odoo's own payment flow leaves.

The renewal engine logs the payment notes, the "Invoice ... paid" notes of the
orders and the customer ranks in bulk (``utils/charge_batch.py``) and subscribes
the customers to their payment entries in one insert. These tests compare what
customers and accountants see with a card payment made the standard way.
"""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import html2plaintext

from odoo.addons.recurring_subscriptions.models.recurring_subscription_occurrence import (
    RecurringSubscriptionOccurrence,
)

from .common import RecurringPaymentCommon


@tagged("post_install", "-at_install")
class TestCardBatch(RecurringPaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_c = cls.env["res.partner"].create(
            {"name": "Carla Cheesemaker", "email": "carla@example.com"}
        )
        cls.note = cls.env.ref("mail.mt_note")

    def _card_subscription(self, partner):
        sub = self._create_subscription(
            plan=self.plan_card,
            partner=partner,
            payment_token_id=self._token("done", partner).id,
        )
        sub.action_start()
        return sub

    def _pay_the_standard_way(self, partner):
        """An invoice of 30 charged to a saved card with the payment framework's
        own calls, outside the renewal engine."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.product_desk.id, "quantity": 1, "price_unit": 30.0}
                    )
                ],
            }
        )
        invoice.action_post()
        tx = self._invoice_transaction(invoice, self._token("done", partner))
        tx._send_payment_request()
        tx._post_process()
        return invoice, tx

    def _payment_notes(self, invoice, tx):
        """The notes about ``tx`` on ``invoice``, oldest first, with the reference
        and what follows a colon (the link to the payment) left out."""
        notes = invoice.message_ids.filtered(
            lambda m: m.subtype_id == self.note and tx.reference in html2plaintext(m.body)
        ).sorted("id")
        return [
            (
                html2plaintext(m.body).replace(tx.reference, "REF").split(":")[0],
                m.author_id,
                m.message_type,
            )
            for m in notes
        ]

    def _order_notes(self, order, invoice):
        return order.message_ids.filtered(
            lambda m: f"Invoice {invoice.name} paid" in html2plaintext(m.body)
        )

    @freeze_time("2026-01-31")
    def test_card_renewals_charged_together_leave_odoos_own_trace(self):
        partners = self.partner | self.partner_b
        ranks = {partner: partner.customer_rank for partner in partners | self.partner_c}
        subs = [self._card_subscription(partner) for partner in partners]
        self._run_cron()
        standard_invoice, standard_tx = self._pay_the_standard_way(self.partner_c)
        expected_notes = self._payment_notes(standard_invoice, standard_tx)
        self.assertEqual(len(expected_notes), 3, "initiated, confirmed, payment posted")
        self.partner_c.invalidate_recordset(["customer_rank"])
        standard_rank_gain = self.partner_c.customer_rank - ranks[self.partner_c]
        self.assertEqual(standard_rank_gain, 2, "the invoice and the payment entry")
        payments = self.env["account.payment"]
        for sub in subs:
            invoice = sub.invoice_ids
            tx = sub.occurrence_ids.transaction_ids
            payment = tx.payment_id
            with self.subTest(customer=sub.partner_id.name):
                self.assertEqual(len(tx), 1)
                self.assertEqual(payment.reconciled_invoice_ids, invoice)
                self.assertIn(invoice.payment_state, ("paid", "in_payment"))
                self.assertEqual(self._payment_notes(invoice, tx), expected_notes)
                self.assertEqual(len(self._order_notes(sub.order_ids, invoice)), 1)
                self.assertIn(sub.partner_id, payment.move_id.message_partner_ids)
                self.assertEqual(
                    payment.move_id.message_follower_ids.filtered(
                        lambda f, partner=sub.partner_id: f.partner_id == partner
                    ).subtype_ids,
                    standard_tx.payment_id.move_id.message_follower_ids.filtered(
                        lambda f: f.partner_id == self.partner_c
                    ).subtype_ids,
                    "followed with the subtypes Odoo gives a customer",
                )
                sub.partner_id.invalidate_recordset(["customer_rank"])
                self.assertEqual(
                    sub.partner_id.customer_rank - ranks[sub.partner_id], standard_rank_gain
                )
                self.assertTrue(invoice.sending_data, "the receipt is queued")
                self.assertTrue(tx.is_post_processed)
            payments |= payment
        self.assertEqual(len(payments), 2, "one payment per invoice")

    @freeze_time("2026-01-31")
    def test_a_charge_failing_after_the_provider_answered_keeps_the_others_trace_once(self):
        """The batch is post-processed again one by one: what the failed attempt
        collected is not logged twice, and the failing charge keeps only the
        notes of its answer (the payment cron post-processes it later)."""
        sub_ok = self._card_subscription(self.partner)
        sub_ko = self._card_subscription(self.partner_b)
        ranks = {sub: sub.partner_id.customer_rank for sub in (sub_ok, sub_ko)}
        original = RecurringSubscriptionOccurrence._on_transactions_outcome

        def outcome(model, transactions):
            if self.partner_b in transactions.partner_id:
                raise RuntimeError("the subscription of Bob cannot be updated now")
            return original(model, transactions)

        with patch.object(RecurringSubscriptionOccurrence, "_on_transactions_outcome", outcome):
            self._run_cron()

        tx_ok = sub_ok.occurrence_ids.transaction_ids
        self.assertIn(sub_ok.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(len(tx_ok.payment_id), 1)
        notes_ok = self._payment_notes(sub_ok.invoice_ids, tx_ok)
        self.assertEqual(len(notes_ok), 3, notes_ok)
        self.assertEqual(len(self._order_notes(sub_ok.order_ids, sub_ok.invoice_ids)), 1)

        tx_ko = sub_ko.occurrence_ids.transaction_ids
        self.assertEqual(tx_ko.state, "done")
        self.assertFalse(tx_ko.is_post_processed)
        self.assertFalse(tx_ko.payment_id)
        self.assertEqual(sub_ko.invoice_ids.payment_state, "not_paid")
        notes_ko = self._payment_notes(sub_ko.invoice_ids, tx_ko)
        self.assertEqual([text for text, _author, _type in notes_ko], [t for t, *_ in notes_ok[:2]])
        self.assertFalse(self._order_notes(sub_ko.order_ids, sub_ko.invoice_ids))

        for sub, gain in ((sub_ok, 2), (sub_ko, 1)):
            sub.partner_id.invalidate_recordset(["customer_rank"])
            self.assertEqual(sub.partner_id.customer_rank - ranks[sub], gain)
