"""One run through queue_job's real job runner (a real Odoo server process)."""

# The server process only sees committed data.
# pylint: disable=invalid-commit
import unittest
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged

from . import server


@tagged("post_install", "-at_install")
class TestJobRunner(TransactionCase):
    """The cron enqueues, the job runner dispatches to 2 workers, every period once."""

    N = 30

    def setUp(self):
        super().setUp()
        reason = server.unavailable_reason()
        if reason:
            raise unittest.SkipTest(reason)

    def _setup(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        plan = env["recurring.plan"].create(
            {"name": "Runner plan", "billing_unit": "month", "payment_mode": "manual"}
        )
        product = env["product.product"].create(
            {
                "name": "Runner box",
                "type": "service",
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
                "recurring_ok": True,
                "recurring_product_plan_ids": [Command.create({"plan_id": plan.id})],
            }
        )
        partners = env["res.partner"].create(
            [{"name": f"Runner customer {i}"} for i in range(self.N)]
        )
        subs = env["recurring.subscription"].create(
            [
                {
                    "partner_id": p.id,
                    "plan_id": plan.id,
                    "start_date": date.today(),
                    "line_ids": [Command.create({"product_id": product.id, "price_unit": 9.0})],
                }
                for p in partners
            ]
        )
        subs.action_start()
        env["ir.config_parameter"].set_param("recurring_subscriptions_queue.batch_size", "7")
        cr.commit()
        return plan, subs

    def test_real_job_runner_renews_every_period_once(self):
        with self.registry.cursor() as cr:
            _plan, subs = self._setup(cr)
            sub_ids = subs.ids
        try:
            with server.OdooServer(self.env.cr.dbname, workers=2) as odoo:
                long_polling = odoo.wait_for(lambda _cr: odoo.long_polling_pids(), bool)
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    # Renewal jobs are made by the cron, run by the server's runner.
                    env["recurring.subscription"]._cron_process_due()
                    cr.commit()
                counts = odoo.wait_for(
                    lambda cr: server.renewal_counts(cr, sub_ids), lambda c: c["done"] >= self.N
                )
                self.assertEqual(counts["orders"], self.N)
                self.assertEqual(counts["duplicates"], 0)
                self.assertEqual(counts["open_jobs"], 0)
                self.assertGreaterEqual(counts["jobs_done"], 5)
                # Started once: a long-polling process that cannot start is started
                # again and again by the master, taking CPU from the workers.
                self.assertEqual(odoo.long_polling_pids(), long_polling)
                self.assertEqual(len(long_polling), 1)
        finally:
            server.cleanup(self.registry, sub_ids)
