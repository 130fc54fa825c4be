"""The payment provider answering late or not at all during a card batch.

``payment_demo`` stands for the provider. At its boundary
(``payment.transaction._send_payment_request``) some calls never reach it (a
connection error) and some are charged but their answer is lost (a read
timeout: the slow answer, without sleeping). The fake provider keeps one
charge per reference, as real providers do with the reference as idempotency
key, and counts what it was asked.
"""

from collections import Counter
from datetime import date, datetime, timedelta
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.recurring_subscriptions.tests.common import RecurringPaymentCommon

MORNING = datetime(2026, 3, 2, 7, 0)


@tagged("post_install", "-at_install")
class TestProviderFaults(RecurringPaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("recurring_subscriptions_queue.enabled", "1")
        params.set_param("recurring_subscriptions_queue.batch_size", "3")
        cls.subs = cls.env["recurring.subscription"]
        for index in range(6):
            partner = cls.env["res.partner"].create({"name": f"Card customer {index}"})
            cls.subs |= cls._create_subscription(
                plan=cls.plan_card,
                partner=partner,
                start=date(2026, 3, 1),
                payment_token_id=cls._token(partner=partner).id,
            )
        with freeze_time(MORNING):
            cls.subs.action_start()

    def _flaky_provider(self, unreachable, slow):
        """The provider's boundary: partners in ``unreachable`` are never reached,
        those in ``slow`` are charged but the answer never comes back (once)."""
        Transaction = type(self.env["payment.transaction"])
        send = Transaction._send_payment_request
        self.asked = Counter()  # reference -> calls that reached the provider
        self.charged = Counter()  # reference -> money taken
        down = set(unreachable)
        lost_answer = set(slow)

        def send_payment_request(tx):
            partner = tx.partner_id
            if partner in down:
                raise requests.exceptions.ConnectionError("provider unreachable")
            self.asked[tx.reference] += 1
            if not self.charged[tx.reference]:  # idempotent: one charge per reference
                self.charged[tx.reference] += 1
            if partner in lost_answer:
                lost_answer.discard(partner)
                raise requests.exceptions.ReadTimeout("no answer in time")
            return send(tx)

        return patch.object(Transaction, "_send_payment_request", send_payment_request), down

    def _transactions(self):
        return self.subs.occurrence_ids.transaction_ids

    def test_no_double_charge_and_resent_with_same_reference(self):
        unreachable = self.subs[0].partner_id | self.subs[4].partner_id
        slow = self.subs[1].partner_id
        provider, down = self._flaky_provider(unreachable, slow)
        with provider, freeze_time(MORNING), trap_jobs() as trap:
            self.env["recurring.subscription"]._cron_process_due()
            trap.assert_jobs_count(2)  # two renewal batches
            trap.perform_enqueued_jobs()  # renew, record the charges
            trap.assert_jobs_count(2)  # one send job per batch
            trap.perform_enqueued_jobs()  # send them
        first = self._transactions()
        self.assertEqual(len(first), 6, "one transaction per period")
        references = {tx.partner_id: tx.reference for tx in first}
        failed = first.filtered(lambda t: t.partner_id in unreachable | slow)
        self.assertEqual(set(failed.mapped("state")), {"draft"}, "kept to be sent again")
        self.assertEqual(set((first - failed).mapped("state")), {"done"})
        self.assertEqual(sum(self.charged.values()), 4, "the slow one was charged already")
        events = self.subs[0].event_ids.filtered(lambda e: e.event_type == "error")
        self.assertIn("it will be sent again", events[-1].message)

        # The provider is back; the next hourly run resends the unanswered ones.
        down.clear()
        with provider, freeze_time(MORNING + timedelta(hours=1)), trap_jobs() as trap:
            self.env["recurring.subscription"]._cron_process_due()
            trap.assert_jobs_count(0)  # nothing due, nothing to renew
        again = self._transactions()
        self.assertEqual(again, first, "no new transaction: the same ones were resent")
        self.assertEqual({tx.partner_id: tx.reference for tx in again}, references)
        self.assertEqual(set(again.mapped("state")), {"done"})
        self.assertEqual(self.asked[references[slow]], 2, "asked twice, same reference")
        self.assertEqual(set(self.charged.values()), {1}, "one charge per reference")
        self.assertEqual(len(self.charged), 6)
        for sub in self.subs:
            self.assertIn(sub.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(len(self.subs.order_ids), 6, "one order per period")
