# Two real database connections need committed data.
# pylint: disable=invalid-commit
from datetime import datetime, time, timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCreditConcurrency(TransactionCase):
    """Two bookings confirmed at the same moment, on real PostgreSQL transactions.

    Each test commits its own customer, credits and resources through a separate
    cursor (a second connection only sees committed data) and removes them after.
    """

    def _setup_committed(self, expiry=False):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            credit_type = env["recurring.credit.type"].create(
                {
                    "name": "Concurrency ticket",
                    "notify_grant": False,
                    "expiry_reminder_days": 0,
                    "rule_ids": [Command.create({"name": "Day", "duration": 9.0, "credits": 2.0})],
                }
            )
            Resource = env["recurring.booking.resource"]
            desk_a, desk_b = Resource.create(
                [
                    {"name": "Concurrency desk A", "credit_type_id": credit_type.id},
                    {"name": "Concurrency desk B", "credit_type_id": credit_type.id},
                ]
            )
            projector = Resource.create({"name": "Concurrency projector"})
            partner = env["res.partner"].create({"name": "Concurrency customer"})
            env["recurring.credit.entry"]._create_grants(
                [
                    {
                        "name": "Manual: two tickets",
                        "source": "manual",
                        "partner_id": partner.id,
                        "credit_type_id": credit_type.id,
                        "company_id": env.company.id,
                        "quantity": 2,
                        "expiry_date": expiry,
                    }
                ]
            )
            tomorrow = fields.Date.today() + timedelta(days=1)
            start = datetime.combine(tomorrow, time(8))
            stop = datetime.combine(tomorrow, time(17))
            bookings = env["recurring.booking"].create(
                [
                    {"partner_id": partner.id, "resource_id": res.id, "start": start, "stop": stop}
                    for res in (desk_a, desk_b, projector, projector)
                ]
            )
            cr.commit()
            return {
                "type": credit_type.id,
                "resources": (desk_a | desk_b | projector).ids,
                "partner": partner.id,
                "bookings": bookings.ids,
            }

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # The ledger refuses deletions through the ORM: remove the test rows directly.
            cr.execute(
                "DELETE FROM recurring_credit_entry WHERE partner_id = %s AND kind != 'grant'",
                [ids["partner"]],
            )
            cr.execute("DELETE FROM recurring_credit_entry WHERE partner_id = %s", [ids["partner"]])
            env["mail.message"].search(
                [("model", "=", "recurring.booking"), ("res_id", "in", ids["bookings"])]
            ).unlink()
            env["mail.followers"].search(
                [("res_model", "=", "recurring.booking"), ("res_id", "in", ids["bookings"])]
            ).unlink()
            cr.execute("DELETE FROM recurring_booking WHERE id IN %s", [tuple(ids["bookings"])])
            env.invalidate_all()
            env["recurring.booking.resource"].browse(ids["resources"]).unlink()
            env["recurring.credit.type"].browse(ids["type"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            cr.commit()

    def _balance(self, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["res.partner"].browse(ids["partner"])._get_credit_balances()

    def test_two_bookings_at_the_same_moment_cannot_spend_the_same_credits(self):
        ids = self._setup_committed()
        desk_a_booking, desk_b_booking = ids["bookings"][:2]
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                worker1 = api.Environment(cr1, SUPERUSER_ID, {})["recurring.booking"]
                worker2 = api.Environment(cr2, SUPERUSER_ID, {})["recurring.booking"]
                # Both customers' tabs confirm a full day (2 tickets) on two desks.
                worker1.browse(desk_a_booking).action_confirm()
                # Worker 1 holds the grant rows until it commits: worker 2 fails at once
                # (Odoo's RPC layer retries LockNotAvailable) instead of spending them too.
                with mute_logger("odoo.sql_db"), self.assertRaises(errors.LockNotAvailable):
                    worker2.browse(desk_b_booking).action_confirm()
                cr2.rollback()
                cr1.commit()
                # The retry sees the committed consumption: nothing left to spend.
                with self.assertRaisesRegex(UserError, "costs 2, Concurrency customer has 0"):
                    worker2.browse(desk_b_booking).action_confirm()
                cr2.rollback()
                states = worker2.browse([desk_a_booking, desk_b_booking]).mapped("state")
                self.assertEqual(states, ["confirmed", "draft"])
            self.assertFalse(self._balance(ids), "2 granted, 2 spent, never -2")
        finally:
            self._cleanup(ids)

    def test_a_stale_snapshot_cannot_spend_credits_spent_meanwhile(self):
        ids = self._setup_committed()
        desk_a_booking, desk_b_booking = ids["bookings"][:2]
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                partner2 = env2["res.partner"].browse(ids["partner"])
                # Worker 2's transaction starts first: its snapshot shows 2 tickets.
                self.assertEqual(sum(partner2._get_credit_balances().values()), 2)
                env1["recurring.booking"].browse(desk_a_booking).action_confirm()
                cr1.commit()
                # Locking the grant rows that changed after its snapshot fails, so the
                # request is retried on fresh data rather than double-spending.
                with mute_logger("odoo.sql_db"), self.assertRaises(errors.SerializationFailure):
                    env2["recurring.booking"].browse(desk_b_booking).action_confirm()
                cr2.rollback()
            self.assertFalse(self._balance(ids))
        finally:
            self._cleanup(ids)

    def test_two_bookings_of_the_last_place_at_the_same_moment(self):
        ids = self._setup_committed()
        first, second = ids["bookings"][2:]
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                worker1 = api.Environment(cr1, SUPERUSER_ID, {})["recurring.booking"]
                worker2 = api.Environment(cr2, SUPERUSER_ID, {})["recurring.booking"]
                worker1.browse(first).action_confirm()
                with mute_logger("odoo.sql_db"), self.assertRaises(errors.LockNotAvailable):
                    worker2.browse(second).action_confirm()
                cr2.rollback()
                cr1.commit()
                with self.assertRaisesRegex(ValidationError, "fully booked"):
                    worker2.browse(second).action_confirm()
                cr2.rollback()
                self.assertEqual(worker2.browse(second).state, "draft")
        finally:
            self._cleanup(ids)

    def test_the_expiry_cron_commits_and_skips_grants_a_booking_holds(self):
        ids = self._setup_committed(expiry=fields.Date.today() - timedelta(days=1))
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                cron = api.Environment(cr1, SUPERUSER_ID, {"recurring_force_commit": True})[
                    "recurring.credit.entry"
                ]
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                # A booking being confirmed holds the customer's grant rows.
                env2["recurring.credit.entry"]._lock_open_grants(
                    env2["res.partner"].browse(ids["partner"]),
                    env2["recurring.credit.type"].browse(ids["type"]),
                    env2.company,
                )
                self.assertEqual(cron._cron_expire_credits(), (0, 0), "skipped, not waited for")
                cr2.rollback()
                self.assertEqual(cron._cron_expire_credits(), (1, 0))
                # The cron committed its batch: another connection sees the write-off.
                self.assertFalse(self._balance(ids))
                self.assertEqual(cron._cron_expire_credits(), (0, 0), "nothing twice")
                cr1.rollback()
        finally:
            self._cleanup(ids)
