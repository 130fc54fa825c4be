from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.payment_demo.models.payment_transaction import (
    PaymentTransaction as DemoTransaction,
)

from .common import RecurringPaymentCommon


@tagged("post_install", "-at_install")
class TestDunning(RecurringPaymentCommon):
    """Failed renewal payments: retries, customer emails, final action, recovery."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls._token("error", payment_details="0341")

    def _start(self):
        with freeze_time("2026-01-31 08:00"):
            sub = self._create_subscription(plan=self.plan_card, payment_token_id=self.token.id)
            sub.action_start()
            self._run_cron()
        return sub

    def _mails(self, sub, subject_part):
        return self.env["mail.mail"].search(
            [("model", "=", sub._name), ("res_id", "=", sub.id), ("subject", "ilike", subject_part)]
        )

    def test_declined_card_is_retried_on_schedule_then_suspended(self):
        sub = self._start()
        period = sub.order_ids.recurring_occurrence_id
        self.assertEqual(sub.state, "past_due")
        self.assertEqual(sub.payment_status, "retrying")
        self.assertEqual(period.next_payment_retry, datetime(2026, 2, 1, 8, 0))
        self.assertEqual(len(self._mails(sub, "Payment failed")), 1, "the customer gets a pay link")
        self.assertIn(
            sub.invoice_ids.get_portal_url(), self._mails(sub, "Payment failed").body_html
        )

        with freeze_time("2026-01-31 20:00"):  # too early: nothing happens
            self._run_cron()
        self.assertEqual(len(period.transaction_ids), 1)
        for moment, attempts, retry in (
            ("2026-02-01 09:00", 2, datetime(2026, 2, 3, 8, 0)),
            ("2026-02-03 09:00", 3, datetime(2026, 2, 7, 8, 0)),
            ("2026-02-07 09:00", 4, False),
        ):
            with freeze_time(moment):
                self._run_cron()
            self.assertEqual(len(period.transaction_ids), attempts, moment)
            self.assertEqual(period.next_payment_retry, retry, moment)
            self.assertTrue(all(tx.operation == "offline" for tx in period.transaction_ids))
            self.assertEqual(len(set(period.transaction_ids.mapped("reference"))), attempts)
        self.assertTrue(sub.payment_suspended)
        self.assertEqual(sub.payment_status, "suspended")
        self.assertEqual(len(self._mails(sub, "Payment failed")), 2, "first failure and final")

        with freeze_time("2026-03-01 09:00"):  # suspended: no new order while unpaid
            self._run_cron()
        self.assertEqual(len(sub.order_ids), 1)
        self.assertEqual(len(period.transaction_ids), 4, "no retry after the last attempt")

        # The accountant registers the payment: active again, renewals restart today.
        with freeze_time("2026-03-05 09:00"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=sub.invoice_ids.ids
            ).create({})._create_payments()
            self.assertEqual(sub.state, "active")
            self.assertFalse(sub.payment_suspended)
            self.assertEqual(sub.next_date, date(2026, 3, 5), "suspended periods are not billed")

    def test_last_failure_closes_when_the_plan_says_so(self):
        self.plan_card.write({"dunning_final_action": "close", "dunning_max_attempts": 2})
        sub = self._start()
        with freeze_time("2026-02-01 09:00"):
            self._run_cron()
        self.assertEqual(sub.state, "closed")
        self.assertEqual(
            sub.close_reason_id, self.env.ref("recurring_subscriptions.close_reason_payment_failed")
        )

    def test_successful_retry_stops_the_dunning(self):
        sub = self._start()
        period = sub.order_ids.recurring_occurrence_id
        self.token.demo_simulated_state = "done"  # the customer's bank accepts it now
        with freeze_time("2026-02-01 09:00"):
            self._run_cron()
        self.assertIn(sub.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(sub.state, "active")
        self.assertFalse(period.next_payment_retry)
        self.assertEqual(sub.payment_status, "ok")
        self.assertTrue(sub.invoice_ids.sending_data, "the paid invoice goes out as a receipt")
        with freeze_time("2026-02-03 09:00"):
            self._run_cron()
        self.assertEqual(len(period.transaction_ids), 2, "no retry once paid")

    def test_customer_paying_through_the_pay_link_stops_the_dunning(self):
        sub = self._start()
        period = sub.order_ids.recurring_occurrence_id
        invoice = sub.invoice_ids
        # What the portal's pay button does: an online transaction on the invoice.
        tx = self._create_transaction(
            "direct",
            sudo=False,
            reference="PAYLINK-1",
            amount=invoice.amount_residual,
            currency_id=invoice.currency_id.id,
            invoice_ids=[Command.set(invoice.ids)],
        )
        tx._set_done()
        tx._post_process()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(sub.state, "active")
        self.assertFalse(period.next_payment_retry)

    def _reconcile_with_bank_statement(self, invoice):
        """What the accountant does: a bank statement line matched with the invoice."""
        bank_journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": bank_journal.id,
                "payment_ref": invoice.name,
                "partner_id": invoice.partner_id.id,
                "amount": invoice.amount_total,
                "date": "2026-02-02",
            }
        )
        _liquidity, suspense, _other = st_line.with_context(
            skip_account_move_synchronization=True
        )._seek_for_lines()
        receivable = invoice.line_ids.filtered(lambda l: l.account_type == "asset_receivable")
        suspense.account_id = receivable.account_id
        (suspense + receivable).reconcile()

    def test_bank_statement_reconciliation_brings_the_subscription_back(self):
        sub = self._start()
        invoice = sub.invoice_ids
        self._reconcile_with_bank_statement(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(sub.state, "active")
        self.assertFalse(sub.order_ids.recurring_occurrence_id.next_payment_retry)

    def test_manual_payer_period_counts_as_paid_after_bank_reconciliation(self):
        with freeze_time("2026-01-31 08:00"):
            sub = self._create_subscription(plan=self.plan_monthly)
            sub.action_start()
            self._run_cron()
        invoice = sub.invoice_ids
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(sub.payment_status, "unpaid")
        self.assertIn("Period:", invoice.invoice_line_ids.name, "the service period is on the line")
        self.assertEqual(invoice.ref, sub.name, "the invoice references the subscription")
        self._reconcile_with_bank_statement(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(sub.payment_status, "ok")
        self.assertTrue(
            sub.event_ids.filtered(lambda e: e.message == f"Invoice {invoice.name} paid.")
        )

    def test_pending_payment_is_never_charged_twice(self):
        self.token.demo_simulated_state = "pending"
        with freeze_time("2026-01-31 08:00"):
            sub = self._create_subscription(plan=self.plan_card, payment_token_id=self.token.id)
            sub.action_start()
            self._run_cron()
        period = sub.order_ids.recurring_occurrence_id
        tx = period.transaction_ids
        self.assertEqual(tx.state, "pending")
        self.assertEqual(sub.state, "active")
        self.assertEqual(sub.payment_status, "pending")
        with freeze_time("2026-02-02 08:00"):
            self._run_cron()
            self.assertEqual(period.transaction_ids, tx, "no second charge while one is pending")
            # The provider's webhook confirms it later.
            tx._set_done()
            tx._post_process()
        self.assertIn(sub.invoice_ids.payment_state, ("paid", "in_payment"))

    def test_authentication_required_asks_the_customer_and_does_not_retry(self):
        # The provider answers without a final state: it wants the customer (3-D Secure).
        with patch.object(DemoTransaction, "_send_payment_request", lambda tx: None):
            sub = self._start()
        period = sub.order_ids.recurring_occurrence_id
        self.assertTrue(period.transaction_ids.recurring_needs_authentication)
        self.assertTrue(period.payment_action_required)
        self.assertFalse(
            period.next_payment_retry, "no retry loop against a card needing the customer"
        )
        self.assertEqual(sub.payment_status, "action_required")
        self.assertEqual(sub.state, "past_due")
        self.assertEqual(len(self._mails(sub, "Action required")), 1)
        self.assertTrue(sub.activity_ids, "the shop is told")
        with freeze_time("2026-02-10 09:00"):
            self._run_cron()
        self.assertEqual(len(period.transaction_ids), 1)

    def test_a_new_card_retries_the_unpaid_invoice_at_the_next_run(self):
        sub = self._start()
        period = sub.order_ids.recurring_occurrence_id
        with freeze_time("2026-01-31 12:00"):
            sub.payment_token_id = self._token("done", payment_details="9999")
            self.assertEqual(period.next_payment_retry, datetime(2026, 1, 31, 12, 0))
            self._run_cron()
        self.assertEqual(len(period.transaction_ids), 2)
        self.assertEqual(period.transaction_ids.sorted("id")[-1].token_id, sub.payment_token_id)
        self.assertEqual(sub.state, "active")


@tagged("post_install", "-at_install")
class TestSavedCards(RecurringPaymentCommon):
    def test_orders_with_recurring_lines_require_a_saved_card(self):
        recurring = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_card.id}]
        )
        one_off = self._create_order([{"product_id": self.product_plain.id}])
        Provider = self.env["payment.provider"]
        self.assertTrue(Provider._is_tokenization_required(sale_order_id=recurring.id))
        self.assertFalse(Provider._is_tokenization_required(sale_order_id=one_off.id))
        self.provider.allow_tokenization = False
        providers = Provider._get_compatible_providers(
            self.company.id, self.partner.id, 10.0, sale_order_id=recurring.id
        )
        self.assertNotIn(self.provider, providers, "a provider that can't save cards is hidden")
        providers = Provider._get_compatible_providers(
            self.company.id, self.partner.id, 10.0, sale_order_id=one_off.id
        )
        self.assertIn(self.provider, providers)

    def test_card_saved_while_paying_the_order_pays_the_subscription(self):
        order = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_card.id}]
        )
        tx = self._create_transaction(
            "direct",
            sudo=False,
            reference="SO-CARD-1",
            amount=order.amount_total,
            currency_id=order.currency_id.id,
            tokenize=True,
            sale_order_ids=[Command.set(order.ids)],
        )
        tx._handle_notification_data(
            "demo",
            {"reference": tx.reference, "simulated_state": "done", "payment_details": "4242"},
        )
        tx._post_process()
        self.assertEqual(order.state, "sale", "paying confirms the order")
        sub = order.recurring_source_subscription_ids
        self.assertEqual(len(sub), 1)
        self.assertTrue(tx.token_id)
        self.assertEqual(sub.payment_token_id, tx.token_id)

    def test_archiving_a_card_lists_and_releases_its_subscriptions(self):
        token = self._token()
        sub = self._create_subscription(plan=self.plan_card, payment_token_id=token.id)
        with freeze_time("2026-01-31"):
            sub.action_start()
        linked = token.get_linked_records_info()
        self.assertIn(sub.name, [info["name"] for info in linked])
        token.action_archive()
        self.assertFalse(sub.payment_token_id)
        self.assertTrue(sub.event_ids.filtered(lambda e: "payment requests" in e.message))
        with freeze_time("2026-01-31"):
            self._run_cron()
        self.assertTrue(sub.invoice_ids.sending_data, "the renewal is sent as a payment request")
        self.assertFalse(sub.occurrence_ids.transaction_ids)

    def test_staff_can_switch_to_another_card_of_the_customer_only(self):
        sub = self._create_subscription(plan=self.plan_card, payment_token_id=self._token().id)
        other_card = self._token(payment_details="1111")
        sub.payment_token_id = other_card
        self.assertEqual(sub.payment_token_id, other_card)
        stranger_card = self._token(partner=self.partner_b)
        with self.assertRaisesRegex(Exception, "another customer"):
            sub.payment_token_id = stranger_card
