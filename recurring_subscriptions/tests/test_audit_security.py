from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestAuditSecurity(RecurringCommon):
    """Item 17 of issue 9: the log is append-only, the engine's flags are the engine's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="rs_audit_salesman",
            groups="sales_team.group_sale_salesman,account.group_account_invoice",
        )
        cls.manager = new_test_user(
            cls.env, login="rs_audit_manager", groups="sales_team.group_sale_manager"
        )
        cls.sub = cls._create_subscription()
        with freeze_time("2026-01-31"):
            cls.sub.action_start()
            cls.env["recurring.subscription"]._cron_process_due()

    def test_managers_cannot_delete_or_edit_events(self):
        event = self.sub.event_ids[:1]
        self.assertTrue(event)
        with self.assertRaises(UserError):
            event.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            event.unlink()  # not even the superuser
        with self.assertRaises(UserError):
            event.with_user(self.manager).write({"message": "nothing happened"})

    def test_salesperson_cannot_write_period_state_or_payment_flags(self):
        period = self.sub.occurrence_ids.filtered(lambda o: o.state == "done")[:1]
        for values in (
            {"state": "planned"},
            {"payment_step_done": False},
            {"next_payment_retry": False, "payment_attempt_count": 0},
        ):
            with self.assertRaises(AccessError, msg=values):
                period.with_user(self.salesman).write(values)
        with self.assertRaises(AccessError):
            self.sub.with_user(self.salesman).write({"payment_suspended": True})
        self.assertFalse(self.sub.payment_suspended)
        self.assertEqual(period.state, "done")

    def test_salesperson_still_skips_and_processes(self):
        planned = self.sub.occurrence_ids.filtered(lambda o: o.state == "planned")[-1:]
        with freeze_time("2026-02-05"):
            planned.with_user(self.salesman).action_skip()
            self.assertEqual(planned.state, "skipped")
            planned.with_user(self.salesman).action_restore()
            self.assertEqual(planned.state, "planned")
        self.sub.user_id = self.salesman  # a salesperson renews their own subscriptions
        with freeze_time("2026-02-28"):
            self.sub.with_user(self.salesman).action_process_now()
        self.assertFalse(self.sub.last_error)
        self.assertEqual(len(self.sub.order_ids), 2)
