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

    def _assert_once_each(self, counts):
        self.assertEqual(counts["done"], FAULT_N, counts)
        self.assertEqual(counts["orders"], FAULT_N, "one order per period")
        self.assertEqual(counts["invoices"], FAULT_N, "one invoice per period")
        self.assertEqual(counts["duplicates"], 0, counts)
        self.assertEqual(counts["half_made"], 0, counts)

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
            partial = first.wait_for(self._counts, lambda c: c["done"] >= 25)
            first.kill()
        self.assertLess(partial["done"], FAULT_N, "the kill must come mid-run")
        with self.registry.cursor() as cr:
            after_kill = self._counts(cr)
        self.assertEqual(after_kill["duplicates"], 0, after_kill)
        self.assertEqual(after_kill["half_made"], 0, after_kill)
        with server.OdooServer(self.dbname, workers=1, cron_threads=1, queue=False) as second:
            self._trigger_cron()
            counts = second.wait_for(self._counts, lambda c: c["done"] >= FAULT_N)
        self._assert_once_each(counts)
        card_periods = len(range(0, FAULT_N, 4))
        self.assertLessEqual(counts["charges"], card_periods, "at most one charge per period")

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
        """pg_terminate_backend on the cron's connection: nothing half-made, next pass ends it."""
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
            with self.registry.cursor() as cr:
                self.assertGreater(odoo.terminate_backends(cr), 0)
            with self.registry.cursor() as cr:
                dropped = self._counts(cr)
            self.assertEqual(dropped["half_made"], 0, dropped)
            self.assertEqual(dropped["duplicates"], 0, dropped)
            self._trigger_cron()
            counts = odoo.wait_for(self._counts, lambda c: c["done"] >= FAULT_N)
        self._assert_once_each(counts)
