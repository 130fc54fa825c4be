# Two real database connections need committed data.
# pylint: disable=invalid-commit
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestTwoWorkers(TransactionCase):
    """Two cron workers at once, on real PostgreSQL transactions.

    The data must be committed for a second connection to see it, so this test
    builds its own records in separate cursors and removes them afterwards.
    """

    def _setup_committed_subscription(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            plan = env["recurring.plan"].create(
                {
                    "name": "Two workers",
                    "payment_mode": "manual",
                    "confirm_order": False,
                    "post_invoice": False,
                }
            )
            product = env["product.product"].create(
                {
                    "name": "Two workers box",
                    "type": "service",
                    "recurring_ok": True,
                    "recurring_product_plan_ids": [Command.create({"plan_id": plan.id})],
                }
            )
            partner = env["res.partner"].create({"name": "Two workers customer"})
            sub = env["recurring.subscription"].create(
                {
                    "partner_id": partner.id,
                    "plan_id": plan.id,
                    "start_date": date.today(),
                    "line_ids": [Command.create({"product_id": product.id, "price_unit": 5.0})],
                }
            )
            sub.action_start()
            cr.commit()
            return {"plan": plan.id, "product": product.id, "partner": partner.id, "sub": sub.id}

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            sub = env["recurring.subscription"].browse(ids["sub"])
            sub.order_ids.unlink()
            # The event log is append-only: it goes with the subscription (SQL cascade).
            sub.occurrence_ids.unlink()
            sub.unlink()
            env["product.product"].browse(ids["product"]).product_tmpl_id.unlink()
            env["recurring.plan"].browse(ids["plan"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            cr.commit()

    def test_two_workers_never_renew_the_same_period(self):
        ids = self._setup_committed_subscription()
        today = date.today()
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                context = {"recurring_no_commit": True}
                worker1 = api.Environment(cr1, SUPERUSER_ID, context)["recurring.subscription"]
                worker2 = api.Environment(cr2, SUPERUSER_ID, context)["recurring.subscription"]

                # Worker 1 renews and still holds the row lock; worker 2 skips the row.
                self.assertEqual(worker1._renew_due(today, restrict_ids=[ids["sub"]]), 1)
                self.assertEqual(worker2._renew_due(today, restrict_ids=[ids["sub"]]), 0)

                # Worker 1 commits; worker 2 starts again and finds nothing due.
                cr1.commit()
                cr2.rollback()
                self.assertEqual(worker2._renew_due(today, restrict_ids=[ids["sub"]]), 0)
                cr2.rollback()

                orders = worker2.env["sale.order"].search(
                    [("recurring_subscription_id", "=", ids["sub"])]
                )
                self.assertEqual(len(orders), 1)
                self.assertEqual(orders.recurring_occurrence_id.period_start, today)
        finally:
            self._cleanup(ids)

    def test_database_refuses_a_second_order_for_one_period(self):
        ids = self._setup_committed_subscription()
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"recurring_no_commit": True})
                sub = env["recurring.subscription"].browse(ids["sub"])
                sub._renew_due(date.today(), restrict_ids=sub.ids)
                occurrence = sub.order_ids.recurring_occurrence_id
                cr.commit()
                with (
                    self.assertRaisesRegex(Exception, "recurring_occurrence_unique"),
                    cr.savepoint(),
                    mute_logger("odoo.sql_db"),
                ):
                    env["sale.order"].create(
                        {"partner_id": ids["partner"], "recurring_occurrence_id": occurrence.id}
                    )
                    env.flush_all()
                with (
                    self.assertRaisesRegex(Exception, "subscription_period_unique"),
                    cr.savepoint(),
                    mute_logger("odoo.sql_db"),
                ):
                    env["recurring.subscription.occurrence"].create(
                        {
                            "subscription_id": sub.id,
                            "period_start": occurrence.period_start,
                            "period_end": occurrence.period_end,
                        }
                    )
                    env.flush_all()
        finally:
            self._cleanup(ids)


@tagged("post_install", "-at_install")
class TestCronWithRealCommits(TransactionCase):
    """The cron as it runs in production: committing per batch and per charge.

    A commit inside a savepoint would destroy the savepoint and abort the run;
    ordinary tests cannot see it because commits are skipped in tests.
    """

    def test_cron_commits_between_steps_without_breaking_savepoints(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            provider = env.ref("payment.payment_provider_demo")
            provider.state = "test"
            card_plan = env["recurring.plan"].create(
                {"name": "Commit card", "payment_mode": "token"}
            )
            manual_plan = env["recurring.plan"].create(
                {"name": "Commit manual", "payment_mode": "manual"}
            )
            product = env["product.product"].create(
                {
                    "name": "Commit box",
                    "type": "service",
                    "invoice_policy": "order",
                    "taxes_id": [Command.clear()],
                    "recurring_ok": True,
                    "recurring_product_plan_ids": [
                        Command.create({"plan_id": card_plan.id}),
                        Command.create({"plan_id": manual_plan.id}),
                    ],
                }
            )
            partner = env["res.partner"].create(
                {"name": "Commit customer", "email": "c@example.com"}
            )
            token = env["payment.token"].create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
                    "partner_id": partner.id,
                    "payment_details": "4242",
                    "provider_ref": "commit",
                    "demo_simulated_state": "done",
                }
            )
            subs = env["recurring.subscription"].create(
                [
                    {
                        "partner_id": partner.id,
                        "plan_id": plan.id,
                        "start_date": date.today(),
                        "payment_token_id": token.id if plan == card_plan else False,
                        "line_ids": [Command.create({"product_id": product.id, "price_unit": 9.0})],
                    }
                    for plan in (card_plan, manual_plan)
                ]
            )
            subs.action_start()
            cr.commit()
            try:
                env["recurring.subscription"].with_context(
                    recurring_force_commit=True
                )._cron_process_due()
                cr.commit()
                card_sub, manual_sub = subs
                self.assertIn(card_sub.invoice_ids.payment_state, ("paid", "in_payment"))
                self.assertEqual(card_sub.occurrence_ids.transaction_ids.state, "done")
                self.assertEqual(manual_sub.invoice_ids.state, "posted")
                self.assertFalse(subs.event_ids.filtered("is_error"))
            finally:
                cr.rollback()
                # Leave nothing the other tests' cron runs could pick up.
                subs._action_close(env.ref("recurring_subscriptions.close_reason_not_needed"))
                (card_plan | manual_plan).action_archive()
                product.product_tmpl_id.action_archive()
                token.action_archive()
                cr.commit()
