"""The cron's progress is committed with the batch it counts.

Odoo 18 takes a cron run that left ``done = 0`` in its last ``ir.cron.progress``
for a run that timed out; after three in a row it skips the job for a whole
interval (``_process_job``: ``failed_by_timeout``). A run killed after it had
committed renewals must therefore have committed their count too.
"""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.recurring_subscriptions.tests.common import RecurringCommon

TODAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestCronProgress(RecurringCommon):
    def test_each_batch_commit_carries_its_progress(self):
        subs = self.env["recurring.subscription"]
        for index in range(3):
            partner = self.env["res.partner"].create({"name": f"Progress customer {index}"})
            subs |= self._create_subscription(partner=partner, start=date(2026, 3, 1))
        with freeze_time(TODAY):
            subs.action_start()
        cron = self.env.ref("recurring_subscriptions.ir_cron_process_subscriptions")
        cron, progress = cron._add_progress(timed_out_counter=0)
        Subscription = self.env["recurring.subscription"]
        at_commit = []

        def record_commit(records):
            # What a crash right after this commit would leave in the database.
            renewed = self.env["sale.order"].search_count(
                [("recurring_subscription_id", "in", subs.ids)]
            )
            at_commit.append((renewed, progress.done))

        with (
            freeze_time(TODAY),
            patch.object(type(Subscription), "_commit_if_allowed", record_commit),
        ):
            Subscription.with_context(
                ir_cron_progress_id=progress.id, recurring_queue_disabled=True
            )._renew_due(TODAY, batch_size=1)
        # After each batch, a commit carries that batch in the progress too.
        for count in (1, 2, 3):
            self.assertIn((count, count), at_commit)
        self.assertEqual(at_commit[-1], (3, 3), "the last commit carries the whole count")
        self.assertEqual(progress.remaining, 0)
