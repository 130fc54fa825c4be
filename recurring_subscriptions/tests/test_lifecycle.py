from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestLifecycle(RecurringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason_expensive = cls.env.ref("recurring_subscriptions.close_reason_too_expensive")

    def _plan(self, **values):
        """A monthly plan the coworking membership may be sold with."""
        plan = self.env["recurring.plan"].create(
            {"name": "Special", "billing_unit": "month", "payment_mode": "manual", **values}
        )
        self.product_desk.recurring_product_plan_ids = [Command.create({"plan_id": plan.id})]
        return plan

    def _close_wizard(self, sub, **values):
        return (
            self.env["recurring.subscription.close.wizard"]
            .with_context(active_model=sub._name, active_ids=sub.ids)
            .create({"close_reason_id": self.reason_expensive.id, **values})
        )

    def _reopen(self, sub, start_date):
        wizard = (
            self.env["recurring.subscription.reopen.wizard"]
            .with_context(active_model=sub._name, active_ids=sub.ids)
            .create({"start_date": start_date})
        )
        wizard.action_confirm()

    def _billed_periods(self, sub):
        return sorted(sub.order_ids.recurring_occurrence_id.mapped("period_start"))

    def _started(self, start="2026-01-31", renew=True, **values):
        """A monthly subscription at 30.0 started (and renewed once) on ``start``."""
        sub = self._create_subscription(start=date.fromisoformat(start), **values)
        with freeze_time(start):
            sub.action_start()
            if renew:
                self._run_cron()
        return sub

    # ------------------------------------------------------------------
    # Start: future, trial, limited duration
    # ------------------------------------------------------------------

    def test_future_subscription_starts_and_renews_on_its_start_date(self):
        sub = self._create_subscription(start=date(2026, 1, 31))
        with freeze_time("2026-01-10"):
            sub.action_start()
        self.assertEqual(sub.state, "future")
        self.assertEqual(sub.next_date, date(2026, 1, 31))
        with freeze_time("2026-01-30"):
            self._run_cron()
        self.assertEqual(sub.state, "future")
        self.assertFalse(sub.order_ids)
        with freeze_time("2026-01-31"):
            self._run_cron()
        self.assertEqual(sub.state, "active")
        self.assertEqual(self._billed_periods(sub), [date(2026, 1, 31)])
        self.assertEqual(sub.next_date, date(2026, 2, 28))

    def test_trial_makes_no_document_then_bills_from_its_end(self):
        plan = self._plan(trial_interval=14, trial_unit="day")
        sub = self._started("2026-03-01", plan=plan)
        self.assertEqual(sub.state, "trial")
        self.assertEqual(sub.trial_end_date, date(2026, 3, 15))
        self.assertEqual(sub.next_date, date(2026, 3, 15))
        with freeze_time("2026-03-14"):
            self._run_cron()
        self.assertEqual(sub.state, "trial")
        self.assertFalse(sub.order_ids)
        self.assertFalse(sub.invoice_ids)
        with freeze_time("2026-03-15"):
            self._run_cron()
        self.assertEqual(sub.state, "active")
        self.assertEqual(self._billed_periods(sub), [date(2026, 3, 15)])
        self.assertEqual(sub.order_ids.recurring_occurrence_id.period_end, date(2026, 4, 14))
        self.assertEqual(sub.invoice_ids.amount_total, 30.0)

    def test_limited_plan_closes_after_its_last_period(self):
        plan = self._plan(duration_type="limited", duration_count=3)
        sub = self._started(plan=plan, renew=False)
        # Periods: Jan 31 - Feb 27, Feb 28 - Mar 30, Mar 31 - Apr 29.
        self.assertEqual(sub.end_date, date(2026, 4, 29))
        self.assertEqual(len(sub.occurrence_ids), 3, "only the three periods are planned")
        for day in ("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-29"):
            with freeze_time(day):
                self._run_cron()
        self.assertEqual(sub.state, "active", "it runs until the end of its last day")
        for day in ("2026-04-30", "2026-05-31"):
            with freeze_time(day):
                self._run_cron()
        self.assertEqual(sub.state, "closed")
        self.assertEqual(
            sub.close_reason_id, self.env.ref("recurring_subscriptions.close_reason_ended")
        )
        self.assertEqual(
            self._billed_periods(sub), [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
        )
        self.assertEqual(len(sub.invoice_ids), 3)

    # ------------------------------------------------------------------
    # Pause and resume
    # ------------------------------------------------------------------

    def test_paused_subscription_is_not_renewed(self):
        sub = self._started()
        with freeze_time("2026-02-10"):
            sub.action_pause()
        for day in ("2026-02-28", "2026-03-31"):
            with freeze_time(day):
                self._run_cron()
        self.assertEqual(sub.state, "paused")
        self.assertEqual(self._billed_periods(sub), [date(2026, 1, 31)])

    def test_resume_after_missed_dates_restarts_today_without_backfill(self):
        sub = self._started()
        with freeze_time("2026-02-10"):
            sub.action_pause()
        with freeze_time("2026-04-10"):
            self._run_cron()
            sub.action_resume()
            self.assertEqual(sub.state, "active")
            self.assertEqual(sub.next_date, date(2026, 4, 10))
            self._run_cron()
        self.assertEqual(self._billed_periods(sub), [date(2026, 1, 31), date(2026, 4, 10)])
        restart = sub.occurrence_ids.filtered(lambda o: o.period_start == date(2026, 4, 10))
        self.assertEqual(restart.period_end, date(2026, 5, 9))
        self.assertEqual(sub.next_date, date(2026, 5, 10))
        coming = sub.occurrence_ids.filtered(lambda o: o.state == "planned").sorted("period_start")
        self.assertEqual(coming[:2].mapped("period_start"), [date(2026, 5, 10), date(2026, 6, 10)])

    def test_resume_before_next_date_keeps_the_schedule(self):
        sub = self._started()
        with freeze_time("2026-02-05"):
            sub.action_pause()
        with freeze_time("2026-02-20"):
            sub.action_resume()
        self.assertEqual(sub.state, "active")
        self.assertEqual(sub.next_date, date(2026, 2, 28))
        with freeze_time("2026-02-28"):
            self._run_cron()
        self.assertEqual(self._billed_periods(sub), [date(2026, 1, 31), date(2026, 2, 28)])

    # ------------------------------------------------------------------
    # Close, cancel at period end, reopen
    # ------------------------------------------------------------------

    def test_cancel_at_period_end_closes_without_renewing(self):
        sub = self._started()
        with freeze_time("2026-02-10"):
            self._close_wizard(sub, when="period_end").action_confirm()
            self.assertTrue(sub.cancel_at_period_end)
            self.assertEqual(sub.state, "active", "the paid period runs to its end")
            sub.action_undo_cancel()
            self.assertFalse(sub.cancel_at_period_end)
            self._close_wizard(sub, when="period_end").action_confirm()
        with freeze_time("2026-02-27"):
            self._run_cron()
        self.assertEqual(sub.state, "active")
        with freeze_time("2026-02-28"):
            self._run_cron()
        self.assertEqual(sub.state, "closed")
        self.assertFalse(sub.cancel_at_period_end)
        self.assertEqual(sub.close_reason_id, self.reason_expensive)
        self.assertEqual(self._billed_periods(sub), [date(2026, 1, 31)])
        self.assertEqual(len(sub.invoice_ids), 1)

    def test_close_now_refunds_the_unused_days(self):
        sub = self._started()
        invoice = sub.invoice_ids
        self.assertEqual(invoice.amount_total, 30.0)
        with freeze_time("2026-02-13"):
            self._close_wizard(sub, when="now", credit_note=True).action_confirm()
        self.assertEqual(sub.state, "closed")
        self.assertEqual(sub.close_date, date(2026, 2, 13))
        self.assertEqual(sub.close_reason_id, self.reason_expensive)
        refund = self.env["account.move"].search(
            [("recurring_subscription_id", "=", sub.id), ("move_type", "=", "out_refund")]
        )
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.reversed_entry_id, invoice)
        # Period Jan 31 - Feb 27 has 28 days; Feb 14 - 27 (14 days) are unused.
        self.assertEqual(refund.amount_total, 15.0)
        self.assertEqual(sub.occurrence_ids.mapped("period_start"), [date(2026, 1, 31)])
        with freeze_time("2026-02-28"):
            self._run_cron()
        self.assertEqual(len(sub.order_ids), 1)

    def test_close_now_without_credit_note_refunds_nothing(self):
        sub = self._started()
        with freeze_time("2026-02-13"):
            self._close_wizard(sub, when="now").action_confirm()
        self.assertEqual(sub.state, "closed")
        self.assertEqual(sub.invoice_ids.mapped("move_type"), ["out_invoice"])

    def test_reopen_from_today_restarts_renewals(self):
        sub = self._started()
        with freeze_time("2026-02-13"):
            self._close_wizard(sub, when="now").action_confirm()
        with freeze_time("2026-03-10"):
            self._reopen(sub, date(2026, 3, 10))
            self.assertEqual(sub.state, "active")
            self.assertEqual(sub.next_date, date(2026, 3, 10))
            self.assertFalse(sub.close_reason_id)
            self.assertFalse(sub.close_date)
            self.assertTrue(
                sub.occurrence_ids.filtered(lambda o: o.state == "planned"),
                "the coming periods are planned again (and can be skipped)",
            )
            self._run_cron()
        self.assertEqual(self._billed_periods(sub), [date(2026, 1, 31), date(2026, 3, 10)])
        self.assertEqual(sub.next_date, date(2026, 4, 10))

    def test_reopen_on_a_future_date_waits_for_it(self):
        sub = self._started()
        with freeze_time("2026-02-13"):
            self._close_wizard(sub, when="now").action_confirm()
        with freeze_time("2026-03-10"):
            self._reopen(sub, date(2026, 4, 1))
        self.assertEqual(sub.state, "future")
        self.assertEqual(sub.next_date, date(2026, 4, 1))
        with freeze_time("2026-03-20"):
            self._run_cron()
        self.assertEqual(sub.state, "future", "nothing restarts before the chosen date")
        self.assertEqual(len(sub.order_ids), 1)
        with freeze_time("2026-04-01"):
            self._run_cron()
        self.assertEqual(sub.state, "active")
        self.assertEqual(self._billed_periods(sub), [date(2026, 1, 31), date(2026, 4, 1)])

    # ------------------------------------------------------------------
    # Periods, deletion, transitions, event log
    # ------------------------------------------------------------------

    def test_started_period_cannot_be_restored(self):
        sub = self._started(renew=False)
        first = sub.occurrence_ids.sorted("period_start")[0]
        first.action_skip()
        with freeze_time("2026-01-31"):
            self._run_cron()
        with freeze_time("2026-02-02"), self.assertRaises(UserError):
            first.action_restore()
        self.assertEqual(first.state, "skipped")
        self.assertFalse(sub.order_ids)

    def test_done_period_cannot_be_skipped(self):
        sub = self._started()
        done = sub.order_ids.recurring_occurrence_id
        with freeze_time("2026-02-02"), self.assertRaises(UserError):
            done.action_skip()
        self.assertEqual(done.state, "done")
        self.assertEqual(len(sub.order_ids), 1)

    def test_draft_subscription_can_be_deleted(self):
        sub = self._create_subscription()
        sub.unlink()
        self.assertFalse(sub.exists())

    def test_subscription_with_documents_cannot_be_deleted(self):
        sub = self._started()
        order, invoice = sub.order_ids, sub.invoice_ids
        with self.assertRaises(UserError):
            sub.unlink()
        self.assertTrue(sub.exists())
        self.assertEqual((sub.order_ids, sub.invoice_ids), (order, invoice))

    @freeze_time("2026-01-31")
    def test_invalid_transitions_are_refused(self):
        sub = self._started()
        with self.assertRaises(UserError):
            sub.action_resume()
        self.assertEqual(sub.state, "active")
        with self.assertRaises(UserError):
            sub.action_start()
        self._close_wizard(sub, when="now").action_confirm()
        with self.assertRaises(UserError):
            sub.action_pause()
        self.assertEqual(sub.state, "closed")
        with self.assertRaises(UserError):
            self._close_wizard(sub, when="period_end").action_confirm()
        self.assertFalse(sub.cancel_at_period_end)

    @freeze_time("2026-01-31")
    def test_every_state_change_is_logged(self):
        sub = self._started(renew=False)
        sub.action_pause()
        sub.action_resume()
        self._close_wizard(sub, when="now").action_confirm()
        messages = (
            sub.event_ids.filtered(lambda e: e.event_type == "state").sorted("id").mapped("message")
        )
        self.assertEqual(
            messages,
            [
                "Draft → Active",
                "Active → Paused",
                "Paused → Active",
                "Active → Closed (Too expensive)",
            ],
        )

    @freeze_time("2026-01-31")
    def test_event_log_is_append_only(self):
        sub = self._started()
        self._close_wizard(sub, when="now").action_confirm()
        closing = sub.event_ids.filtered(
            lambda e: e.event_type == "state" and "Closed" in e.message
        )
        self.assertEqual(len(closing), 1)
        with self.assertRaises(UserError):
            closing.write({"message": "Nothing happened"})
        self.assertEqual(closing.message, "Active → Closed (Too expensive)")

    def test_form_shows_document_counts(self):
        sub = self._started()
        form = Form(sub)
        self.assertEqual(form.state, "active")
        self.assertEqual((form.order_count, form.invoice_count), (1, 1))
        with freeze_time("2026-02-28"):
            self._run_cron()
        form = Form(sub)
        self.assertEqual((form.order_count, form.invoice_count), (2, 2))
        self.assertEqual(form.next_date, "2026-03-31")
