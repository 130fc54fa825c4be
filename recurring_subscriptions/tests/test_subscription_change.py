from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import RecurringPaymentCommon


@tagged("post_install", "-at_install")
class TestSubscriptionChange(RecurringPaymentCommon):
    """Changes of a running subscription from the back office.

    The subscriptions start on Jan 31, 2026 and are renewed once: the current period
    is Jan 31 - Feb 27 (28 days) at 30, the next renewal is on Feb 28. A change on
    Feb 10 leaves 18 days of 28: 30 * 18 / 28 = 19.29.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_monthly.switch_plan_ids = cls.plan_yearly
        cls.plan_yearly.switch_plan_ids = cls.plan_monthly
        cls.plan_card_yearly = cls.env["recurring.plan"].create(
            {"name": "Yearly by card", "billing_unit": "year", "payment_mode": "token"}
        )
        cls.plan_card.switch_plan_ids = cls.plan_card_yearly
        cls.product_desk.recurring_product_plan_ids = [
            Command.create({"plan_id": cls.plan_card_yearly.id, "fixed_price": 300.0})
        ]

    def _running(self, plan=None, **values):
        with freeze_time("2026-01-31"):
            sub = self._create_subscription(plan=plan, **values)
            sub.action_start()
            self.env["recurring.subscription"]._renew_due(date(2026, 1, 31), restrict_ids=sub.ids)
        return sub

    # ------------------------------------------------------------------
    # Plan switch
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_switch_now_credits_unused_time_and_bills_the_new_plan(self):
        sub = self._running()
        old_period = sub.occurrence_ids.filtered(lambda o: o.state == "done")
        preview = sub._change_preview_switch(self.plan_yearly, "now")
        # Yearly price of the desk: 200 with the plan's 10% discount.
        self.assertEqual([l["subtotal"] for l in preview["credit_lines"]], [19.29])
        self.assertEqual([l["subtotal"] for l in preview["charge_lines"]], [180.0])
        self.assertEqual(preview["total_now"], 160.71)
        self.assertEqual(preview["next_date"], date(2027, 2, 10))
        self.assertEqual(preview["next_total"], 180.0)

        sub.action_switch_plan(self.plan_yearly, "now")
        self.assertEqual(sub.plan_id, self.plan_yearly)
        self.assertEqual((sub.anchor_date, sub.next_date), (date(2026, 2, 10), date(2027, 2, 10)))
        # The old period ends the day before the new one starts: no gap, no overlap.
        self.assertEqual(old_period.period_end, date(2026, 2, 9))
        new_period = sub.occurrence_ids.filtered(lambda o: o.period_start == date(2026, 2, 10))
        self.assertEqual(new_period.state, "done")
        self.assertEqual(new_period.period_end, date(2027, 2, 9))
        credit_note = sub.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(credit_note.amount_total, preview["credit_total"])
        self.assertEqual(new_period.invoice_id.amount_total, preview["charge_total"])
        # Billed exactly as previewed; the credit settles the unpaid old invoice first.
        self.assertEqual(credit_note.payment_state, "paid")
        self.assertAlmostEqual(old_period.invoice_id.amount_residual, 30.0 - 19.29)
        # Logged, in the chatter and emailed.
        self.assertTrue(sub.event_ids.filtered(lambda e: "Plan switched" in e.message))
        self.assertTrue(sub.message_ids.filtered(lambda m: "Plan switched" in (m.body or "")))
        # The cron does not bill the new period again.
        self._run_cron()
        self.assertEqual(len(sub.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")), 2)

    @freeze_time("2026-02-10")
    def test_switch_now_charges_the_card_the_difference(self):
        sub = self._running(plan=self.plan_card, payment_token_id=self._token("done").id)
        self.assertIn(sub.invoice_ids.payment_state, ("paid", "in_payment"))
        preview = sub._change_preview_switch(self.plan_card_yearly, "now")
        self.assertEqual(preview["total_now"], 300.0 - 19.29)
        sub.action_switch_plan(self.plan_card_yearly, "now")
        new_period = sub.occurrence_ids.filtered(lambda o: o.period_start == date(2026, 2, 10))
        tx = new_period.transaction_ids
        self.assertEqual((tx.state, tx.amount), ("done", preview["total_now"]))
        self.assertIn(new_period.invoice_id.payment_state, ("paid", "in_payment"))

    @freeze_time("2026-02-10")
    def test_switch_at_period_end_applies_with_the_next_renewal(self):
        sub = self._running()
        preview = sub._change_preview_switch(self.plan_yearly, "period_end")
        self.assertFalse(preview["charge_lines"] or preview["credit_lines"])
        self.assertEqual((preview["next_date"], preview["next_total"]), (date(2026, 2, 28), 180.0))
        sub.action_switch_plan(self.plan_yearly, "period_end")
        self.assertEqual(sub.plan_id, self.plan_monthly)
        self.assertEqual(sub.next_plan_id, self.plan_yearly)
        with freeze_time("2026-02-28"):
            self._run_cron()
        self.assertEqual(sub.plan_id, self.plan_yearly)
        self.assertEqual(sub.next_date, date(2027, 2, 28))
        period = sub.occurrence_ids.filtered(lambda o: o.period_start == date(2026, 2, 28))
        self.assertEqual(period.period_end, date(2027, 2, 27))
        self.assertEqual(period.invoice_id.amount_total, preview["next_total"])

    @freeze_time("2026-02-10")
    def test_switching_twice_in_a_period_leaves_no_gap(self):
        sub = self._running()
        sub.action_switch_plan(self.plan_yearly, "now")
        with freeze_time("2026-02-20"):
            preview = sub._change_preview_switch(self.plan_monthly, "now")
            # 355 days of 365 left of the 180 yearly period.
            self.assertEqual(preview["credit_total"], round(180 * 355 / 365, 2))
            sub.action_switch_plan(self.plan_monthly, "now")
        bounds = [
            (o.period_start, o.period_end)
            for o in sub.occurrence_ids.filtered(lambda o: o.state == "done").sorted("period_start")
        ]
        self.assertEqual(
            bounds,
            [
                (date(2026, 1, 31), date(2026, 2, 9)),
                (date(2026, 2, 10), date(2026, 2, 19)),
                (date(2026, 2, 20), date(2026, 3, 19)),
            ],
        )
        invoices = sub.invoice_ids.filtered(lambda m: m.state == "posted")
        billed = sum(m.amount_total_signed for m in invoices)
        # 10 days at 30 / 28 days, 10 days at 180 / 365 days, then a month of the
        # monthly plan's pricelist price (200).
        expected = 30 * 10 / 28 + 180 * 10 / 365 + 200
        self.assertAlmostEqual(billed, expected, delta=0.02)

    @freeze_time("2026-02-10")
    def test_switch_refused_with_a_clear_message(self):
        sub = self._running()
        with self.assertRaisesRegex(UserError, "cannot switch to"):
            sub._change_preview_switch(self.plan_weekly, "now")
        sub.action_cancel_at_period_end()
        with self.assertRaisesRegex(UserError, "cancelled at the end of the period"):
            sub.action_switch_plan(self.plan_yearly, "now")
        sub.action_undo_cancel()
        sub._set_past_due()
        with self.assertRaisesRegex(UserError, "unpaid renewal"):
            sub.action_switch_plan(self.plan_yearly, "now")
        self.assertEqual(sub.plan_id, self.plan_monthly)
        sub.state = "active"
        sub.payment_suspended = True
        with self.assertRaisesRegex(UserError, "unpaid renewal"):
            sub.action_change_lines({sub.line_ids.id: 2.0})

    @freeze_time("2026-01-31")
    def test_switch_on_the_first_day_of_a_billed_period_is_refused(self):
        sub = self._running()
        with self.assertRaisesRegex(UserError, "started today"):
            sub._change_preview_switch(self.plan_yearly, "now")

    # ------------------------------------------------------------------
    # More or fewer products
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_raising_a_quantity_bills_the_rest_of_the_period(self):
        sub = self._running()
        line = sub.line_ids
        preview = sub._change_preview_lines({line.id: 3.0}, {self.product_plain.id: 1.0})
        # 2 more desks at 19.29 each; the welcome pack at 10 * 18/28 = 6.43.
        self.assertEqual(
            [(l["quantity"], l["price_unit"]) for l in preview["charge_lines"]],
            [(2.0, 19.29), (1.0, 6.43)],
        )
        self.assertEqual(preview["total_now"], 45.01)
        self.assertEqual(preview["next_total"], 100.0)
        invoices_before = sub.invoice_ids
        sub.action_change_lines({line.id: 3.0}, {self.product_plain.id: 1.0})
        change_invoice = sub.invoice_ids - invoices_before
        self.assertEqual(change_invoice.amount_total, preview["total_now"])
        self.assertFalse(change_invoice.recurring_occurrence_id)
        self.assertEqual(line.quantity, 3.0)
        with freeze_time("2026-02-28"):
            self._run_cron()
        renewal = sub.occurrence_ids.filtered(lambda o: o.period_start == date(2026, 2, 28))
        self.assertEqual(renewal.invoice_id.amount_total, preview["next_total"])

    @freeze_time("2026-02-10")
    def test_raising_with_a_card_charges_it(self):
        sub = self._running(plan=self.plan_card, payment_token_id=self._token("done").id)
        invoices_before = sub.invoice_ids
        sub.action_change_lines({sub.line_ids.id: 2.0})
        change_invoice = sub.invoice_ids - invoices_before
        self.assertEqual(change_invoice.amount_total, 19.29)
        self.assertIn(change_invoice.payment_state, ("paid", "in_payment"))
        tx = change_invoice.transaction_ids
        self.assertEqual((tx.state, tx.amount, tx.token_id), ("done", 19.29, sub.payment_token_id))

    @freeze_time("2026-02-10")
    def test_lowering_applies_next_period_unless_refunded_now(self):
        sub = self._running(
            lines=[
                {
                    "product_id": self.product_desk.id,
                    "quantity": 3.0,
                    "price_mode": "fixed",
                    "price_unit": 30.0,
                }
            ]
        )
        line = sub.line_ids
        invoices_before = sub.invoice_ids
        preview = sub._change_preview_lines({line.id: 2.0}, {})
        self.assertEqual(preview["total_now"], 0.0)
        self.assertEqual(preview["next_total"], 60.0)
        sub.action_change_lines({line.id: 2.0}, {})
        self.assertEqual(sub.invoice_ids, invoices_before)
        self.assertEqual(line.quantity, 2.0)
        # Staff refund the next one now: a credit note for exactly that part.
        preview = sub._change_preview_lines({line.id: 1.0}, {}, refund_now=True)
        self.assertEqual([l["subtotal"] for l in preview["credit_lines"]], [19.29])
        sub.action_change_lines({line.id: 1.0}, {}, refund_now=True)
        credit_note = sub.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(credit_note.amount_total, 19.29)
        self.assertEqual(credit_note.reversed_entry_id, invoices_before)

    @freeze_time("2026-02-10")
    def test_bad_line_changes_are_refused(self):
        sub = self._running()
        other = self._running(partner=self.partner_b)
        for quantities, extras, message in (
            ({other.line_ids.id: 2.0}, {}, "Only the lines"),
            ({sub.line_ids.id: -1.0}, {}, "negative"),
            ({sub.line_ids.id: 1.0}, {}, "Nothing was changed"),
            ({sub.line_ids.id: 0.0}, {}, "At least one product"),
            ({}, {999999: 1.0}, "cannot be added"),
        ):
            with self.subTest(message=message), self.assertRaisesRegex(UserError, message):
                sub.action_change_lines(quantities, extras)
        self.assertEqual(sub.line_ids.quantity, 1.0)

    # ------------------------------------------------------------------
    # One delivery only
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_one_off_change_is_used_by_that_renewal_only(self):
        sub = self._running()
        coming = sub.occurrence_ids.filtered(lambda o: o.period_start == date(2026, 2, 28))
        preview = coming._change_preview_override(
            {sub.line_ids.id: 2.0}, {self.product_plain.id: 1.0}
        )
        self.assertEqual(preview["next_total"], 70.0)
        coming.action_set_override({sub.line_ids.id: 2.0}, {self.product_plain.id: 1.0})
        self.assertTrue(coming.has_override)
        self.assertEqual(sub.line_ids.quantity, 1.0)
        with freeze_time("2026-02-28"):
            self._run_cron()
        order = coming.order_id
        self.assertEqual(
            sorted((l.product_id.name, l.product_uom_qty) for l in order.order_line),
            [("Coworking membership", 2.0), ("Welcome pack", 1.0)],
        )
        self.assertEqual(coming.invoice_id.amount_total, preview["next_total"])
        with freeze_time("2026-03-31"):
            self._run_cron()
        following = sub.occurrence_ids.filtered(lambda o: o.period_start == date(2026, 3, 31))
        self.assertEqual(following.invoice_id.amount_total, 30.0)

    @freeze_time("2026-02-10")
    def test_one_off_change_refused_for_a_renewed_period(self):
        sub = self._running()
        done = sub.occurrence_ids.filtered(lambda o: o.state == "done")
        with self.assertRaisesRegex(UserError, "coming, planned"):
            done.action_set_override({sub.line_ids.id: 2.0}, {})
        coming = sub.occurrence_ids.filtered(lambda o: o.period_start == date(2026, 2, 28))
        with self.assertRaisesRegex(UserError, "Nothing would be delivered"):
            coming.action_set_override({sub.line_ids.id: 0.0}, {})

    # ------------------------------------------------------------------
    # Pause until
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_pause_until_a_date_resumes_with_the_cron(self):
        sub = self._running()
        self.plan_monthly.max_pause_days = 60
        with self.assertRaisesRegex(UserError, "at most 60 days"):
            sub.action_pause_until(date(2026, 5, 1))
        with self.assertRaisesRegex(UserError, "after today"):
            sub.action_pause_until(date(2026, 2, 10))
        sub.action_pause_until(date(2026, 3, 15))
        self.assertEqual((sub.state, sub.pause_until), ("paused", date(2026, 3, 15)))
        with freeze_time("2026-03-14"):
            self._run_cron()
        self.assertEqual(sub.state, "paused")
        with freeze_time("2026-03-15"):
            self._run_cron()
        self.assertEqual(sub.state, "active")
        self.assertFalse(sub.pause_until)
        # Missed periods are not billed: the schedule restarts on the resume day.
        self.assertEqual(sub.anchor_date, date(2026, 3, 15))
        self.assertEqual(len(sub.invoice_ids), 2)

    # ------------------------------------------------------------------
    # Introductory discount and codes
    # ------------------------------------------------------------------

    def test_intro_discount_lasts_its_periods(self):
        self.plan_monthly.write({"intro_discount": 50.0, "intro_periods": 2})
        sub = self._running()
        self.assertEqual(sub.intro_discount_end, date(2026, 3, 31))
        for day in ("2026-02-28", "2026-03-31"):
            with freeze_time(day):
                self._run_cron()
        amounts = [o.invoice_id.amount_total for o in sub.occurrence_ids.sorted("period_start")[:3]]
        self.assertEqual(amounts, [15.0, 15.0, 30.0])

    @freeze_time("2026-02-10")
    def test_discount_code_for_some_periods_or_forever(self):
        Code = self.env["recurring.discount.code"]
        Code.create({"code": "OLD", "percent": 10, "date_to": date(2026, 1, 1)})
        Code.create({"code": "SPRING", "percent": 20, "duration_periods": 1})
        sub = self._running()
        with self.assertRaisesRegex(UserError, "expired"):
            sub.action_apply_discount_code("OLD")
        with self.assertRaisesRegex(UserError, "does not exist"):
            sub.action_apply_discount_code("NOPE")
        sub.action_apply_discount_code("spring")
        self.assertEqual(sub.intro_discount_end, date(2026, 3, 31))
        self.assertIn("until 03/30/2026", sub._change_describe_discount())
        with self.assertRaisesRegex(UserError, "one at a time"):
            sub.action_apply_discount_code("SPRING")
        for day in ("2026-02-28", "2026-03-31"):
            with freeze_time(day):
                self._run_cron()
        amounts = [o.invoice_id.amount_total for o in sub.occurrence_ids.sorted("period_start")[:3]]
        self.assertEqual(amounts, [30.0, 24.0, 30.0])

    # ------------------------------------------------------------------
    # Back office wizard
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_wizard_shows_the_preview_then_bills_it(self):
        sub = self._running()
        wizard_form = Form(
            self.env["recurring.subscription.change.wizard"].with_context(
                active_model="recurring.subscription", active_id=sub.id
            )
        )
        wizard_form.change_type = "switch"
        wizard_form.plan_id = self.plan_yearly
        self.assertIn("160.71", wizard_form.preview_html)
        wizard_form.plan_id = self.plan_weekly
        self.assertIn("cannot switch to", wizard_form.preview_html)
        wizard_form.plan_id = self.plan_yearly
        wizard_form.save().action_confirm()
        self.assertEqual(sub.plan_id, self.plan_yearly)

        wizard_form = Form(
            self.env["recurring.subscription.change.wizard"].with_context(
                active_model="recurring.subscription", active_id=sub.id
            )
        )
        wizard_form.change_type = "lines"
        with wizard_form.line_ids.edit(0) as line:
            line.quantity = 2.0
        self.assertIn("Billed now", wizard_form.preview_html)
        wizard_form.save().action_confirm()
        self.assertEqual(sub.line_ids.quantity, 2.0)
