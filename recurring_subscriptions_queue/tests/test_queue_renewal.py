from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.recurring_subscriptions.tests.common import RecurringPaymentCommon

TODAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestQueueRenewal(RecurringPaymentCommon):
    """The cron enqueues one job per batch; each job renews its batch once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "recurring_subscriptions_queue.batch_size", "2"
        )
        cls.subs = cls.env["recurring.subscription"]
        for index in range(5):
            partner = cls.env["res.partner"].create({"name": f"Queue customer {index}"})
            cls.subs |= cls._create_subscription(partner=partner, start=date(2026, 3, 1))
        with freeze_time(TODAY):
            cls.subs.action_start()

    def _orders(self):
        return self.env["sale.order"].search([("recurring_subscription_id", "in", self.subs.ids)])

    def test_cron_enqueues_one_job_per_batch_and_renews_nothing_itself(self):
        with freeze_time(TODAY), trap_jobs() as trap:
            self._run_cron()
            trap.assert_jobs_count(3)
            self.assertFalse(self._orders(), "the cron itself must not renew")
            batches = [job.recordset for job in trap.enqueued_jobs]
            self.assertEqual(sorted(i for b in batches for i in b.ids), sorted(self.subs.ids))
            keys = {job.identity_key for job in trap.enqueued_jobs}
            self.assertEqual(len(keys), 3, "one identity key per batch")
            self.assertTrue(all(key.startswith("recurring_renew:2026-03-02:") for key in keys))
            self.assertEqual(
                {job.channel for job in trap.enqueued_jobs}, {"root.recurring_subscriptions"}
            )

    def test_executing_the_jobs_renews_each_subscription_once(self):
        with freeze_time(TODAY), trap_jobs() as trap:
            self._run_cron()
            trap.perform_enqueued_jobs()
        orders = self._orders()
        self.assertEqual(len(orders), 5)
        self.assertEqual(set(orders.recurring_subscription_id.ids), set(self.subs.ids))
        self.assertTrue(all(sub.next_date == date(2026, 4, 1) for sub in self.subs))
        # Running the jobs of the same batch again makes nothing.
        with freeze_time(TODAY):
            result = self.subs[:2]._renew_queued_batch("2026-03-02")
        self.assertIn("Nothing left", result)
        self.assertEqual(len(self._orders()), 5)

    def test_second_cron_run_enqueues_nothing_twice(self):
        with freeze_time(TODAY):
            self._run_cron()  # jobs stored in queue.job, pending
            jobs = self.env["queue.job"].search([("method_name", "=", "_renew_queued_batch")])
            self.assertEqual(len(jobs), 3)
            self.assertEqual(jobs.mapped("state"), ["pending"] * 3)
            self._run_cron()
            again = self.env["queue.job"].search([("method_name", "=", "_renew_queued_batch")])
            self.assertEqual(again, jobs, "a second run must not enqueue the same batch")
            self.assertEqual(
                self.env["recurring.subscription"]._get_queued_ids(), set(self.subs.ids)
            )

    def test_process_now_still_renews_at_once(self):
        sub = self.subs[0]
        with freeze_time(TODAY), trap_jobs() as trap:
            sub.action_process_now()
            trap.assert_jobs_count(0)
        self.assertEqual(len(sub.order_ids), 1)

    def test_disabled_by_parameter_the_cron_renews_itself(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "recurring_subscriptions_queue.enabled", "0"
        )
        with freeze_time(TODAY), trap_jobs() as trap:
            self._run_cron()
            trap.assert_jobs_count(0)
        self.assertEqual(len(self._orders()), 5)

    def test_card_charges_are_sent_by_a_job_of_their_own(self):
        token = self._token()
        card_sub = self._create_subscription(
            plan=self.plan_card, start=date(2026, 3, 1), payment_token_id=token.id
        )
        with freeze_time(TODAY):
            card_sub.action_start()
        with freeze_time(TODAY), trap_jobs() as trap:
            card_sub._renew_queued_batch("2026-03-02")
            tx = card_sub.occurrence_ids.transaction_ids
            self.assertEqual(len(tx), 1)
            self.assertEqual(tx.state, "draft", "recorded, not sent, inside the renewal job")
            trap.assert_jobs_count(1)
            trap.perform_enqueued_jobs()
        self.assertEqual(tx.state, "done")
        self.assertIn(card_sub.invoice_ids.payment_state, ("paid", "in_payment"))
        reference = tx.reference
        # Sending the same job again charges nothing more.
        self.env["recurring.subscription.occurrence"]._send_queued_transactions(tx)
        self.assertEqual(card_sub.occurrence_ids.transaction_ids.reference, reference)
        self.assertEqual(len(card_sub.occurrence_ids.transaction_ids), 1)

    def test_failed_job_shows_in_the_subscription_log(self):
        with freeze_time(TODAY):
            self._run_cron()
        job_record = self.env["queue.job"].search(
            [("method_name", "=", "_renew_queued_batch")], limit=1
        )
        job_record.sudo().with_context(_job_edit_sentinel=job_record.EDIT_SENTINEL).write(
            {"state": "failed", "exc_message": "could not serialize access"}
        )
        failed_subs = job_record.records
        self.assertEqual(len(failed_subs), 2)
        events = failed_subs.event_ids.filtered(lambda e: e.event_type == "error")
        self.assertEqual(len(events), 2)
        self.assertIn("could not serialize access", events[0].message)
