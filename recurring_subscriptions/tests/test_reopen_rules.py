from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestReopenRules(RecurringCommon):
    def test_reopen_refuses_a_start_inside_an_invoiced_period(self):
        sub = self._create_subscription(start=date(2026, 1, 31))
        with freeze_time("2026-01-31"):
            sub.action_start()
            self._run_cron()  # bills 2026-01-31 .. 2026-02-27
        with freeze_time("2026-02-10"):
            sub._action_close(self.env["recurring.close.reason"])
            with self.assertRaises(UserError):
                sub.action_reopen(date(2026, 2, 10))
            self.assertEqual(sub.state, "closed")
            sub.action_reopen(date(2026, 2, 28))
        self.assertEqual(sub.state, "future")
        with freeze_time("2026-02-28"):
            self._run_cron()
        self.assertEqual(len(sub.order_ids), 2)
        self.assertEqual(
            sorted(sub.order_ids.recurring_occurrence_id.mapped("period_start")),
            [date(2026, 1, 31), date(2026, 2, 28)],
        )

    def test_reconfirming_cancelled_source_order_brings_back_subscriptions(self):
        self.plan_monthly.close_on_source_cancel = True
        with freeze_time("2026-03-10"):
            order = self._create_order(
                [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_monthly.id}]
            )
            order.action_confirm()
            sub = order.recurring_source_subscription_ids
            self.assertEqual(sub.state, "active")
            order._action_cancel()
            self.assertEqual(sub.state, "closed")
            order.action_draft()
            order.action_confirm()
        self.assertEqual(order.recurring_source_subscription_ids, sub, "no second subscription")
        self.assertEqual(sub.state, "active")
        self.assertEqual(sub.next_date, date(2026, 4, 10), "the order's period is not billed again")
        self.assertFalse(sub.close_reason_id)
