"""Faults on real Odoo server processes: kill -9, two servers at once, a dropped connection.

N is kept small for CI; ``RECURRING_FAULT_N=2000`` (``make bench-faults``) runs the
same tests over 2,000 due subscriptions.
"""

# The server processes only see committed data.
# pylint: disable=invalid-commit
import os
import unittest

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged

from . import server

FAULT_N = int(os.environ.get("RECURRING_FAULT_N", "200"))


@tagged("post_install", "-at_install")
class TestFaults(TransactionCase):
    def setUp(self):
        super().setUp()
        reason = server.unavailable_reason()
        if reason:
            raise unittest.SkipTest(reason)
        self.dbname = self.env.cr.dbname
        self.sub_ids = []
        self.addCleanup(lambda: server.cleanup(self.registry, self.sub_ids))

    def _prepare(self, tag, params, card_every=4):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for key, value in params.items():
                env["ir.config_parameter"].set_param(key, value)
            self.sub_ids = server.make_due_subscriptions(env, FAULT_N, tag, card_every).ids

    def _counts(self, cr):
        counts = server.renewal_counts(cr, self.sub_ids)
        counts["half_made"] = server.half_made(cr, self.sub_ids)
        return counts

    def _trigger_cron(self):
        with self.registry.cursor() as cr:
            server.trigger_cron(api.Environment(cr, SUPERUSER_ID, {}))

    def _wake_cron(self):
        with self.registry.cursor() as cr:
            server.wake_cron(api.Environment(cr, SUPERUSER_ID, {}))

    def _state(self, cr):
        return {**self._counts(cr), "cron": server.cron_state(cr)}

    def _pass_done(self, state):
        """Every period renewed and the cron's pass over (rescheduled, not due)."""
        return state["done"] >= FAULT_N and not state["cron"]["due"]

    def _charges_per_period(self, cr):
        """Most charges (transactions not cancelled) made for one period."""
        cr.execute(
            """
            SELECT COALESCE(max(n), 0) FROM (
              SELECT count(*) AS n FROM payment_transaction t
                JOIN recurring_subscription_occurrence o ON o.id = t.recurring_occurrence_id
               WHERE o.subscription_id = ANY(%s) AND t.state != 'cancel'
               GROUP BY t.recurring_occurrence_id) AS per_period
            """,
            [self.sub_ids],
        )
        return cr.fetchone()[0]

    def _assert_once_each(self, counts):
        self.assertEqual(counts["done"], FAULT_N, counts)
        self.assertEqual(counts["orders"], FAULT_N, "one order per period")
        self.assertEqual(counts["invoices"], FAULT_N, "one invoice per period")
        self.assertEqual(counts["duplicates"], 0, counts)
        self.assertEqual(counts["half_made"], 0, counts)
        with self.registry.cursor() as cr:
            self.assertLessEqual(self._charges_per_period(cr), 1, "at most one charge per period")
        card_periods = len(range(0, FAULT_N, 4))
        self.assertLessEqual(counts["charges"], card_periods, counts)

    def test_kill_9_mid_cron_then_restart(self):
        """The cron renews by itself (queue off), is killed mid-run, restarts: each period once."""
        self._prepare(
            "kill9",
            {
                "recurring_subscriptions_queue.enabled": "0",
                "recurring_subscriptions.batch_size": 25,
            },
        )
        first = server.OdooServer(self.dbname, workers=1, cron_threads=1, queue=False)
        with first:
            self._trigger_cron()
            # Killed once at least one batch and its progress are committed.
            partial = first.wait_for(self._state, lambda s: (s["cron"]["progress_done"] or 0) >= 25)
            first.kill()
            # The restart comes once PostgreSQL has dropped the dead server's connections.
            first.wait_for(first.backends, lambda count: count == 0, timeout=120)
        self.assertLess(partial["done"], FAULT_N, "the kill must come mid-run")
        with self.registry.cursor() as cr:
            after_kill = self._state(cr)
        self.assertEqual(after_kill["duplicates"], 0, after_kill)
        self.assertEqual(after_kill["half_made"], 0, after_kill)
        self.assertLess(after_kill["done"], FAULT_N, after_kill)
        cron = after_kill["cron"]
        # The killed run was never rescheduled: the restarted server runs it again by
        # itself, and the committed progress keeps Odoo from counting it as timed out.
        self.assertTrue(cron["active"] and cron["due"], cron)
        self.assertGreater(cron["progress_done"], 0, cron)
        with server.OdooServer(self.dbname, workers=1, cron_threads=1, queue=False) as second:
            # Its cron worker polls every minute; the trigger only wakes it sooner.
            self._wake_cron()
            counts = second.wait_for(self._state, self._pass_done)
        self._assert_once_each(counts)

    def test_cron_and_queue_jobs_in_two_servers(self):
        """One server's cron renews by itself while the other's job runner runs queued jobs."""
        self._prepare("twosrv", {"recurring_subscriptions_queue.batch_size": 20})
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            subs = env["recurring.subscription"]
            subs._enqueue_due(fields.Date.context_today(subs))
            env["ir.config_parameter"].set_param("recurring_subscriptions_queue.enabled", "0")
            cr.commit()
        cron_server = server.OdooServer(
            self.dbname, workers=1, cron_threads=1, queue=False, tag="rsq-cron"
        )
        job_server = server.OdooServer(self.dbname, workers=2, cron_threads=0, tag="rsq-jobs")
        with cron_server, job_server:
            self._trigger_cron()
            counts = job_server.wait_for(
                self._counts, lambda c: c["done"] >= FAULT_N and c["open_jobs"] == 0
            )
        self._assert_once_each(counts)

    def test_connection_dropped_mid_batch_recovers_next_pass(self):
        """pg_terminate_backend on the renewal transaction: nothing half-made, next pass ends it."""
        self._prepare(
            "dropcx",
            {
                "recurring_subscriptions_queue.enabled": "0",
                "recurring_subscriptions.batch_size": 25,
            },
        )
        with server.OdooServer(self.dbname, workers=1, cron_threads=1, queue=False) as odoo:
            self._trigger_cron()
            odoo.wait_for(self._counts, lambda c: c["done"] >= 25)
            # Only the connection holding the subscriptions' row locks: a batch in flight.
            terminated = odoo.wait_for(
                odoo.terminate_lock_holder, lambda count: count > 0, timeout=120
            )
            self.assertEqual(terminated, 1)
            with self.registry.cursor() as cr:
                dropped = self._state(cr)
            self.assertLess(dropped["done"], FAULT_N, "the drop must come mid-run")
            self.assertEqual(dropped["half_made"], 0, dropped)
            self.assertEqual(dropped["duplicates"], 0, dropped)
            # The next pass: the interrupted run is still due; wake the cron worker.
            self._wake_cron()
            counts = odoo.wait_for(self._state, self._pass_done)
            log = odoo.log_tail(lines=100000)
        self._assert_once_each(counts)
        # The run did lose its connection mid-batch (and recovered on the next pass).
        self.assertIn("server closed the connection unexpectedly", log)
