from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.recurring_subscriptions.models.recurring_subscription_occurrence import (
    RecurringSubscriptionOccurrence,
)
from odoo.addons.recurring_subscriptions.models.recurring_subscription_renewal import (
    RecurringSubscription as RecurringSubscriptionRenewal,
)

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestRenewal(RecurringCommon):
    @freeze_time("2026-01-31")
    def test_cron_renews_due_subscription_with_order_and_invoice(self):
        sub = self._create_subscription()
        sub.action_start()
        self.assertEqual(sub.next_date, date(2026, 1, 31))
        self._run_cron()
        order = sub.order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.is_recurring_order)
        self.assertIn("Period: 01/31/2026 - 02/27/2026", order.order_line.name)
        invoice = sub.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 30.0)
        self.assertIn("Period:", invoice.invoice_line_ids.name)
        occurrence = sub.occurrence_ids.filtered(lambda o: o.period_start == date(2026, 1, 31))
        self.assertEqual(occurrence.state, "done")
        self.assertEqual((occurrence.order_id, occurrence.invoice_id), (order, invoice))
        self.assertEqual(sub.next_date, date(2026, 2, 28))
        self.assertEqual(set(sub.event_ids.mapped("event_type")), {"state", "order", "invoice"})
        # Manual payment: the invoice is handed to Odoo's asynchronous sending.
        self.assertTrue(invoice.sending_data)

    def test_periods_do_not_drift_across_renewals(self):
        sub = self._create_subscription()
        with freeze_time("2026-01-31"):
            sub.action_start()
        starts = []
        for day in ("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"):
            with freeze_time(day):
                self._run_cron()
            starts.append(str(sub.next_date))
        self.assertEqual(starts, ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"])
        self.assertEqual(len(sub.order_ids), 4)

    @freeze_time("2026-05-01")
    def test_catch_up_bills_every_missed_period_once(self):
        sub = self._create_subscription(start=date(2026, 2, 1))
        sub.action_start()
        self._run_cron()
        self.assertEqual(
            sorted(sub.order_ids.recurring_occurrence_id.mapped("period_start")),
            [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)],
        )
        self.assertEqual(sub.next_date, date(2026, 6, 1))

    @freeze_time("2026-01-31")
    def test_rerunning_the_cron_makes_nothing_twice(self):
        sub = self._create_subscription()
        sub.action_start()
        self._run_cron()
        self._run_cron()
        sub.action_process_now()
        self.assertEqual(len(sub.order_ids), 1)
        self.assertEqual(len(sub.invoice_ids), 1)

    @freeze_time("2026-01-31")
    def test_crash_half_way_rolls_back_and_rerun_renews_once(self):
        subs = self._create_subscription() | self._create_subscription(partner=self.partner_b)
        subs.action_start()
        with (
            patch.object(
                RecurringSubscriptionRenewal,
                "_advance_schedule",
                side_effect=RuntimeError("worker killed"),
            ),
            self.assertRaises(RuntimeError),
            self.env.cr.savepoint(),
        ):
            self._run_cron()
        self.assertFalse(subs.order_ids, "the crashed run left nothing behind")
        self._run_cron()
        for sub in subs:
            self.assertEqual(len(sub.order_ids), 1)
            self.assertEqual(len(sub.invoice_ids), 1)
            self.assertEqual(sub.next_date, date(2026, 2, 28))

    @freeze_time("2026-01-31")
    def test_crash_after_documents_resumes_payment_step_once(self):
        sub = self._create_subscription()
        sub.action_start()
        # Outside tests the documents are committed before the payment step, so
        # the crash keeps them: no savepoint here (assertRaises would add one).
        crashed = False
        with patch.object(
            RecurringSubscriptionOccurrence, "_run_payment_step", side_effect=RuntimeError("killed")
        ):
            try:
                self._run_cron()
            except RuntimeError:
                crashed = True
        self.assertTrue(crashed)
        occurrence = sub.order_ids.recurring_occurrence_id
        self.assertFalse(occurrence.payment_step_done)
        self._run_cron()
        self.assertTrue(occurrence.payment_step_done)
        self.assertEqual(len(sub.order_ids), 1)
        self.assertTrue(sub.invoice_ids.sending_data)

    @freeze_time("2026-01-31")
    def test_one_bad_subscription_does_not_block_the_batch(self):
        good = self._create_subscription()
        bad = self._create_subscription(partner=self.partner_b)
        (good | bad).action_start()
        original = RecurringSubscriptionOccurrence._prepare_sale_order_values

        def prepare(occurrence):
            if occurrence.subscription_id == bad:
                raise ValueError("no delivery address")
            return original(occurrence)

        with patch.object(RecurringSubscriptionOccurrence, "_prepare_sale_order_values", prepare):
            self._run_cron()
        self.assertEqual(len(good.order_ids), 1)
        self.assertEqual(good.next_date, date(2026, 2, 28))
        self.assertFalse(bad.order_ids)
        self.assertEqual(bad.next_date, date(2026, 1, 31))
        self.assertEqual(bad.renewal_attempts, 1)
        self.assertIn("no delivery address", bad.last_error)
        error = bad.event_ids.filtered("is_error")
        self.assertEqual(len(error), 1)
        self.assertEqual(
            bad.occurrence_ids.filtered(lambda o: o.period_start == bad.next_date).state, "failed"
        )
        self.assertTrue(bad.activity_ids, "the salesperson is asked to look at it")
        # Fixed: the next run renews it.
        self._run_cron()
        self.assertEqual(len(bad.order_ids), 1)
        self.assertFalse(bad.last_error)

    @freeze_time("2026-01-31")
    def test_skipped_period_makes_no_document(self):
        sub = self._create_subscription()
        sub.action_start()
        coming = sub.occurrence_ids.sorted("period_start")
        self.assertGreaterEqual(len(coming), 12, "a year of coming periods is visible")
        coming[0].action_skip()
        self._run_cron()
        self.assertFalse(sub.order_ids)
        self.assertEqual(sub.next_date, date(2026, 2, 28))
        coming[1].action_skip()
        coming[1].action_restore()
        with freeze_time("2026-02-28"):
            self._run_cron()
        self.assertEqual(sub.order_ids.recurring_occurrence_id, coming[1])

    @freeze_time("2026-01-31")
    def test_invoice_only_plan_makes_no_order(self):
        self.plan_monthly.write({"create_order": False, "confirm_order": False})
        sub = self._create_subscription()
        sub.action_start()
        self._run_cron()
        self.assertFalse(sub.order_ids)
        invoice = sub.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_date, date(2026, 1, 31))
        self.assertEqual(invoice.amount_total, 30.0)
        self.assertEqual(invoice.recurring_occurrence_id.period_start, date(2026, 1, 31))

    @freeze_time("2026-01-31")
    def test_order_only_plan_leaves_a_quotation(self):
        self.plan_monthly.write({"confirm_order": False, "post_invoice": False})
        sub = self._create_subscription()
        sub.action_start()
        self._run_cron()
        self.assertEqual(sub.order_ids.state, "draft")
        self.assertFalse(sub.invoice_ids)

    def test_pricelist_price_is_taken_at_each_renewal_date(self):
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Seasonal",
                "currency_id": self.currency.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.product_desk.id,
                            "compute_price": "fixed",
                            "fixed_price": 150.0,
                            "date_start": "2026-03-01 00:00:00",
                        }
                    )
                ],
            }
        )
        sub = self._create_subscription(
            lines=[
                {"product_id": self.product_desk.id, "quantity": 2.0, "price_mode": "pricelist"}
            ],
            pricelist_id=pricelist.id,
        )
        with freeze_time("2026-01-31"):
            sub.action_start()
            self._run_cron()
        with freeze_time("2026-03-31"):
            self._run_cron()
        # The periods of Feb 28 and Mar 31 are both invoiced on Mar 31: earlier period first.
        invoices = sub.invoice_ids.sorted(lambda m: (m.invoice_date, m.id))
        self.assertEqual(invoices.mapped("amount_untaxed"), [400.0, 400.0, 300.0])

    @freeze_time("2026-01-31")
    def test_each_subscription_is_renewed_in_its_own_company(self):
        company_b = self.env["res.company"].create(
            {"name": "Second Shop", "currency_id": self.currency.id}
        )
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company_b, install_demo=False
        )
        self.env.user.company_ids |= company_b
        plan_b = self.plan_monthly.copy({"company_id": company_b.id})
        self.product_desk.recurring_product_plan_ids = [Command.create({"plan_id": plan_b.id})]
        sub_a = self._create_subscription()
        sub_b = self._create_subscription(plan=plan_b, company_id=company_b.id)
        (sub_a | sub_b).action_start()
        self._run_cron()
        self.assertEqual(sub_a.order_ids.company_id, self.company)
        self.assertEqual(sub_b.order_ids.company_id, company_b)
        self.assertEqual(sub_b.invoice_ids.company_id, company_b)
        self.assertEqual(sub_b.invoice_ids.journal_id.company_id, company_b)

    def test_late_cron_bills_the_last_periods_before_closing(self):
        self.plan_monthly.write({"duration_type": "limited", "duration_count": 2})
        sub = self._create_subscription(start=date(2026, 1, 1))
        with freeze_time("2026-01-01"):
            sub.action_start()
        self.assertEqual(sub.end_date, date(2026, 2, 28))
        with freeze_time("2026-03-05"):  # the scheduler was down for two months
            self._run_cron()
        self.assertEqual(
            sorted(sub.order_ids.recurring_occurrence_id.mapped("period_start")),
            [date(2026, 1, 1), date(2026, 2, 1)],
        )
        self.assertEqual(sub.state, "closed")
        self.assertEqual(sub.close_date, date(2026, 2, 28))

    @freeze_time("2026-01-31")
    def test_period_with_nothing_to_deliver_makes_no_document(self):
        sub = self._create_subscription()
        sub.action_start()
        sub.line_ids.quantity = 0
        self._run_cron()
        self.assertFalse(sub.order_ids)
        self.assertEqual(sub.next_date, date(2026, 2, 28))
        self.assertTrue(sub.event_ids.filtered(lambda e: "Nothing to deliver" in e.message))
