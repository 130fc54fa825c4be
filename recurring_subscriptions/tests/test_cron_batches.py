from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from ..models import recurring_subscription_renewal
from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestCronBatches(RecurringCommon):
    """Item 18 of issue 9: leftover payment work is done to the end, batch by batch."""

    def test_leftover_payment_steps_are_all_done_in_batches(self):
        subs = self.env["recurring.subscription"]
        for _i in range(5):
            subs |= self._create_subscription(start=date(2026, 1, 31))
        with freeze_time("2026-01-31"):
            subs.action_start()
            self.env["recurring.subscription"]._renew_due(date(2026, 1, 31))
        periods = subs.occurrence_ids.filtered(lambda o: o.state == "done")
        self.assertEqual(len(periods), 5)
        periods.sudo().write({"payment_step_done": False})
        periods.invoice_id.write({"sending_data": False})
        progress = []
        cron = type(self.env["ir.cron"])
        with (
            patch.object(recurring_subscription_renewal, "DEFAULT_BATCH_SIZE", 2),
            patch.object(
                cron,
                "_notify_progress",
                lambda self, done, remaining, deactivate=False: progress.append((done, remaining)),
            ),
            freeze_time("2026-02-01"),
        ):
            self.env["recurring.subscription"]._retry_payment_steps()
        self.assertTrue(all(periods.mapped("payment_step_done")), "all five, not two")
        self.assertTrue(progress, "progress reported to the scheduler")
