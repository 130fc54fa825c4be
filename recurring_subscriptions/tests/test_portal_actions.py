from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .portal_common import RecurringPortalCommon

# The subscriptions start on Jan 31 and are renewed once: the next renewal is on
# Feb 28, and the monthly plan's 48-hour cutoff for it is Feb 26 00:00 (UTC).
TODAY = "2026-02-10 12:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPortalActions(RecurringPortalCommon):
    """Customer actions on the model: every rule is checked on the server."""

    def setUp(self):
        super().setUp()
        self.sub = self._running_subscription(date(2026, 2, 10), start=date(2026, 1, 31))
        self.sub_b = self._running_subscription(
            date(2026, 2, 10), partner=self.partner_b, start=date(2026, 1, 31)
        )
        self.as_alice = self.sub.with_user(self.portal_alice)

    def test_fixture(self):
        self.assertEqual(self.sub.state, "active")
        self.assertEqual(self.sub.next_date, date(2026, 2, 28))
        self.assertEqual(
            self._coming(self.sub)[:2].mapped("period_start"),
            [date(2026, 2, 28), date(2026, 3, 31)],
        )

    # ------------------------------------------------------------------
    # Skip and restore
    # ------------------------------------------------------------------

    def test_customer_skips_and_restores_a_coming_delivery(self):
        period = self._coming(self.sub)[1]
        message = self.as_alice._portal_skip_period(period.id)
        self.assertEqual(period.state, "skipped")
        self.assertEqual(message, "Delivery of 03/31/2026 skipped.")
        self.assertShopTold(self.sub, "Delivery of 03/31/2026 skipped.")
        self.assertCustomerTold(self.sub, self.partner, "Delivery of 03/31/2026 skipped.")
        confirmation = self.sub.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_comment") and "skipped" in m.body
        )
        # Shown in the portal's communication history, sent on behalf of the shop.
        self.assertEqual(confirmation.message_type, "comment")
        self.assertEqual(confirmation.author_id, self.salesman.partner_id)
        self.assertTrue(
            self.sub.event_ids.filtered(
                lambda e: e.event_type == "period" and e.occurrence_id == period
            )
        )

        self.as_alice._portal_restore_period(period.id)
        self.assertEqual(period.state, "planned")
        self.assertShopTold(self.sub, "Delivery of 03/31/2026 restored.")
        self.assertCustomerTold(self.sub, self.partner, "Delivery of 03/31/2026 restored.")

    def test_skip_refused_when_the_plan_forbids_it(self):
        self.plan_monthly.customer_can_skip = False
        period = self._coming(self.sub)[1]
        with self.assertRaisesRegex(UserError, "does not allow"):
            self.as_alice._portal_skip_period(period.id)
        self.assertEqual(period.state, "planned")
        self.assertFalse(self.as_alice._portal_get_coming_periods()[1]["can_skip"])

    def test_skip_refused_after_the_cutoff(self):
        """The cutoff is per period: the next one is locked, the following one is not."""
        next_period, following = self._coming(self.sub)[:2]
        with freeze_time("2026-02-26 00:00:01"):
            with self.assertRaisesRegex(UserError, "Too late"):
                self.as_alice._portal_skip_period(next_period.id)
            self.assertEqual(next_period.state, "planned")
            self.as_alice._portal_skip_period(following.id)
            self.assertEqual(following.state, "skipped")

    def test_cutoff_boundary(self):
        next_period = self._coming(self.sub)[0]
        cases = [
            # (now, cutoff hours, allowed)
            ("2026-02-25 23:59:59", 48, True),
            ("2026-02-26 00:00:00", 48, False),
            ("2026-02-27 23:59:59", 0, True),
            ("2026-02-28 00:00:00", 0, False),
            ("2026-02-20 23:59:59", 168, True),
            ("2026-02-21 00:00:00", 168, False),
        ]
        for now, hours, allowed in cases:
            with self.subTest(now=now, hours=hours), freeze_time(now):
                self.plan_monthly.cutoff_hours = hours
                refusal = self.as_alice._portal_get_refusal("skip", next_period)
                self.assertEqual(not refusal, allowed, refusal)

    def test_skip_refused_for_a_period_already_renewed_or_of_another_subscription(self):
        renewed = self.sub.occurrence_ids.filtered(lambda o: o.state == "done")
        with self.assertRaises(UserError):
            self.as_alice._portal_skip_period(renewed.id)
        other = self._coming(self.sub_b)[1]
        with self.assertRaisesRegex(UserError, "not part of your subscription"):
            self.as_alice._portal_skip_period(other.id)
        self.assertEqual(other.state, "planned")

    def test_restore_refused_for_a_planned_period(self):
        with self.assertRaisesRegex(UserError, "Only skipped deliveries"):
            self.as_alice._portal_restore_period(self._coming(self.sub)[1].id)

    # ------------------------------------------------------------------
    # Ownership
    # ------------------------------------------------------------------

    def test_other_customers_and_staff_cannot_act(self):
        period = self._coming(self.sub)[1]
        for user in (self.portal_bob, self.salesman, self.env.ref("base.public_user")):
            with self.subTest(user=user.login):
                sub = self.sub.with_user(user)
                with self.assertRaises(AccessError):
                    sub._portal_skip_period(period.id)
                with self.assertRaises(AccessError):
                    sub._portal_pause()
                with self.assertRaises(AccessError):
                    sub._portal_cancel(self.reason_expensive.id, at_period_end=False)
                self.assertFalse(any(sub._portal_get_allowed_actions().values()))
        self.assertEqual(period.state, "planned")
        self.assertEqual(self.sub.state, "active")

    def test_a_contact_acts_for_the_company_and_both_are_told(self):
        company = self.env["res.partner"].create(
            {"name": "Green Fields Ltd", "is_company": True, "email": "info@green.example.com"}
        )
        dan = self.env["res.partner"].create(
            {"name": "Dan Accountant", "parent_id": company.id, "email": "dan@example.com"}
        )
        portal_dan = self._portal_user("rs_portal_dan", dan)
        sub = self._running_subscription(
            date(2026, 2, 10), partner=company, start=date(2026, 1, 31)
        )
        sub.with_user(portal_dan)._portal_pause()
        self.assertEqual(sub.state, "paused")
        self.assertCustomerTold(sub, company, "Subscription paused")
        self.assertCustomerTold(sub, dan, "Subscription paused")
        note = sub.message_ids.filtered(lambda m: "Dan Accountant" in (m.body or ""))
        self.assertTrue(note, "the note names the contact who acted")

    # ------------------------------------------------------------------
    # Quantities
    # ------------------------------------------------------------------

    def _two_line_subscription(self):
        return self._running_subscription(
            date(2026, 2, 10),
            start=date(2026, 1, 31),
            lines=[
                {
                    "product_id": self.product_desk.id,
                    "quantity": 3.0,
                    "price_mode": "fixed",
                    "price_unit": 30.0,
                },
                {
                    "product_id": self.product_plain.id,
                    "quantity": 1.0,
                    "price_mode": "fixed",
                    "price_unit": 10.0,
                },
            ],
        )

    def test_customer_lowers_and_removes_quantities(self):
        sub = self._two_line_subscription()
        desk, pack = sub.line_ids
        message = sub.with_user(self.portal_alice)._portal_update_quantities(
            {desk.id: 1.0, pack.id: 0.0}
        )
        self.assertEqual((desk.quantity, pack.quantity), (1.0, 0.0))
        self.assertEqual(sub.recurring_total, 30.0)
        self.assertIn("Coworking membership: 3.00 → 1.00 Units", message)
        self.assertIn("Welcome pack removed", message)
        self.assertShopTold(sub, "Welcome pack removed")
        self.assertCustomerTold(sub, self.partner, "Welcome pack removed")
        # The next order has the new quantities.
        with freeze_time("2026-02-28 06:00:00"):
            self._run_cron()
        order = sub.order_ids.filtered(
            lambda o: o.recurring_occurrence_id.period_start == date(2026, 2, 28)
        )
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [1.0])

    def test_quantity_changes_refused(self):
        sub = self._two_line_subscription()
        desk, pack = sub.line_ids
        as_alice = sub.with_user(self.portal_alice)
        cases = [
            ({desk.id: 4.0}, "not raise it"),
            ({desk.id: -1.0}, "cannot be negative"),
            ({desk.id: 0.0, pack.id: 0.0}, "At least one product"),
            ({self.sub.line_ids.id: 0.0}, "Only the lines of your subscription"),
        ]
        for quantities, error in cases:
            with self.subTest(error=error), self.assertRaisesRegex(UserError, error):
                as_alice._portal_update_quantities(quantities)
        self.assertEqual(
            (desk.quantity, pack.quantity, self.sub.line_ids.quantity), (3.0, 1.0, 1.0)
        )
        self.assertEqual(
            as_alice._portal_update_quantities({desk.id: 3.0}), "No quantity was changed."
        )

    def test_quantity_change_refused_by_plan_or_after_cutoff(self):
        sub = self._two_line_subscription()
        desk = sub.line_ids[0]
        with freeze_time("2026-02-27 10:00:00"):
            with self.assertRaisesRegex(UserError, "Too late"):
                sub.with_user(self.portal_alice)._portal_update_quantities({desk.id: 1.0})
        self.plan_monthly.customer_can_change_quantity = False
        with self.assertRaisesRegex(UserError, "does not allow"):
            sub.with_user(self.portal_alice)._portal_update_quantities({desk.id: 1.0})
        self.assertEqual(desk.quantity, 3.0)

    # ------------------------------------------------------------------
    # Pause and resume
    # ------------------------------------------------------------------

    def test_customer_pauses_and_resumes(self):
        self.as_alice._portal_pause()
        self.assertEqual(self.sub.state, "paused")
        self.assertShopTold(self.sub, "Subscription paused")
        self.assertCustomerTold(self.sub, self.partner, "Subscription paused")
        with self.assertRaisesRegex(UserError, "Only a running subscription can be paused"):
            self.as_alice._portal_pause()
        with freeze_time("2026-03-15 09:00:00"):
            self.as_alice._portal_resume()
        self.assertEqual(self.sub.state, "active")
        # Missed periods are not back-filled: the next renewal is the day of the resume.
        self.assertEqual(self.sub.next_date, date(2026, 3, 15))
        self.assertShopTold(self.sub, "Subscription resumed: next renewal on 03/15/2026.")
        with self.assertRaisesRegex(UserError, "not paused"):
            self.as_alice._portal_resume()

    def test_pause_refused_by_plan_cutoff_or_state(self):
        self.plan_monthly.customer_can_pause = False
        with self.assertRaisesRegex(UserError, "does not allow"):
            self.as_alice._portal_pause()
        self.plan_monthly.customer_can_pause = True
        with freeze_time("2026-02-26 08:00:00"), self.assertRaisesRegex(UserError, "Too late"):
            self.as_alice._portal_pause()
        self.sub._set_past_due()
        with self.assertRaisesRegex(UserError, "Only a running subscription"):
            self.as_alice._portal_pause()
        self.assertEqual(self.sub.state, "past_due")

    def test_resume_refused_when_the_plan_forbids_pausing(self):
        self.sub.action_pause()
        self.plan_monthly.customer_can_pause = False
        with self.assertRaisesRegex(UserError, "does not allow"):
            self.as_alice._portal_resume()
        self.assertEqual(self.sub.state, "paused")

    # ------------------------------------------------------------------
    # Cancel
    # ------------------------------------------------------------------

    def test_customer_cancels_at_period_end_then_undoes_it(self):
        message = self.as_alice._portal_cancel(self.reason_expensive.id, at_period_end=True)
        self.assertTrue(self.sub.cancel_at_period_end)
        self.assertEqual(self.sub.state, "active")
        self.assertEqual(self.sub.close_reason_id, self.reason_expensive)
        self.assertEqual(
            message, "Cancellation scheduled: the subscription ends on 02/28/2026 (Too expensive)."
        )
        self.assertShopTold(self.sub, "Cancellation scheduled")
        self.assertCustomerTold(self.sub, self.partner, "Cancellation scheduled")
        with self.assertRaisesRegex(UserError, "already scheduled"):
            self.as_alice._portal_cancel(self.reason_expensive.id, at_period_end=True)

        self.as_alice._portal_undo_cancel()
        self.assertFalse(self.sub.cancel_at_period_end)
        self.assertFalse(self.sub.close_reason_id)
        self.assertCustomerTold(self.sub, self.partner, "Scheduled cancellation withdrawn")
        with self.assertRaisesRegex(UserError, "No cancellation is scheduled"):
            self.as_alice._portal_undo_cancel()

    def test_scheduled_cancellation_closes_at_period_end(self):
        self.as_alice._portal_cancel(self.reason_expensive.id, at_period_end=True)
        with freeze_time("2026-02-28 06:00:00"):
            self._run_cron()
        self.assertEqual(self.sub.state, "closed")
        self.assertEqual(self.sub.close_date, date(2026, 2, 28))
        self.assertFalse(
            self.sub.order_ids.filtered(lambda o: o.date_order.date() == date(2026, 2, 28))
        )

    def test_customer_cancels_now_and_gets_the_closing_email(self):
        message = self.as_alice._portal_cancel(self.reason_expensive.id, at_period_end=False)
        self.assertEqual(self.sub.state, "closed")
        self.assertEqual(self.sub.close_reason_id, self.reason_expensive)
        self.assertEqual(message, "Subscription cancelled (Too expensive).")
        self.assertShopTold(self.sub, "Subscription cancelled (Too expensive).")
        self.assertCustomerTold(self.sub, self.partner, "is now closed")
        self.assertFalse(self._coming(self.sub))

    def test_cancel_needs_a_reason_offered_in_the_portal(self):
        for reason in (False, self.reason_internal.id, 999999):
            with self.subTest(reason=reason), self.assertRaisesRegex(UserError, "choose one"):
                self.as_alice._portal_cancel(reason, at_period_end=False)
        self.assertEqual(self.sub.state, "active")
        self.assertIn(self.reason_expensive, self.sub._portal_get_close_reasons())
        self.assertNotIn(self.reason_internal, self.sub._portal_get_close_reasons())

    def test_cancel_refused_by_plan_or_cutoff(self):
        self.plan_monthly.customer_can_cancel = False
        with self.assertRaisesRegex(UserError, "does not allow"):
            self.as_alice._portal_cancel(self.reason_expensive.id)
        self.plan_monthly.customer_can_cancel = True
        with freeze_time("2026-02-27 00:00:00"):
            for at_period_end in (True, False):
                with self.assertRaisesRegex(UserError, "Too late"):
                    self.as_alice._portal_cancel(self.reason_expensive.id, at_period_end)
        self.assertEqual(self.sub.state, "active")
        self.assertFalse(self.sub.cancel_at_period_end)

    def test_paused_subscription_can_be_cancelled_at_period_end_after_the_cutoff(self):
        """A paused subscription has no coming order, hence no cutoff."""
        self.as_alice._portal_pause()
        with freeze_time("2026-02-27 00:00:00"):
            self.as_alice._portal_cancel(self.reason_expensive.id, at_period_end=True)
        self.assertTrue(self.sub.cancel_at_period_end)

    def test_closed_subscription_refuses_every_action(self):
        self.sub._action_close(self.reason_expensive)
        allowed = self.as_alice._portal_get_allowed_actions()
        self.assertFalse(any(allowed.values()), allowed)
        with self.assertRaisesRegex(UserError, "not running"):
            self.as_alice._portal_resume()

    # ------------------------------------------------------------------
    # Payment method
    # ------------------------------------------------------------------

    def test_customer_picks_one_of_their_saved_cards(self):
        old, new = self._token(), self._token()
        sub = self._running_subscription(
            date(2026, 2, 10), plan=self.plan_card, start=date(2026, 1, 31), payment_token_id=old.id
        )
        as_alice = sub.with_user(self.portal_alice)
        self.assertEqual(as_alice._portal_get_payment_tokens(), old | new)
        as_alice._portal_set_payment_token(new.id)
        self.assertEqual(sub.payment_token_id, new)
        self.assertShopTold(sub, "Payment method changed to")
        self.assertCustomerTold(sub, self.partner, "Payment method changed to")

    def test_cards_of_others_or_of_another_company_are_refused(self):
        own = self._token()
        bobs = self._token(partner=self.partner_b)
        company_b = self.env["res.company"].create({"name": "Other Shop"})
        other_company = self._token(company=company_b)
        sub = self._running_subscription(
            date(2026, 2, 10), plan=self.plan_card, start=date(2026, 1, 31), payment_token_id=own.id
        )
        as_alice = sub.with_user(self.portal_alice)
        self.assertEqual(as_alice._portal_get_payment_tokens(), own)
        for token in (bobs, other_company):
            with self.subTest(token=token.id), self.assertRaisesRegex(UserError, "cannot pay"):
                as_alice._portal_set_payment_token(token.id)
        self.assertEqual(sub.payment_token_id, own)

    def test_card_change_refused_when_the_plan_does_not_charge_a_card(self):
        token = self._token()
        with self.assertRaisesRegex(UserError, "not paid with a saved payment method"):
            self.as_alice._portal_set_payment_token(token.id)
        self.assertFalse(self.sub.payment_token_id)

    # ------------------------------------------------------------------
    # Terms
    # ------------------------------------------------------------------

    def test_terms_must_be_accepted_before_changes(self):
        self.plan_monthly.terms = "<p>Deliveries on Saturdays only.</p>"
        with self.assertRaisesRegex(UserError, "accept the terms"):
            self.as_alice._portal_pause()
        with self.assertRaisesRegex(UserError, "accept the terms"):
            self.as_alice._portal_skip_period(self._coming(self.sub)[1].id)
        # Leaving never needs the terms.
        self.assertFalse(self.as_alice._portal_get_refusal("cancel_period_end"))

        self.as_alice._portal_accept_terms()
        self.assertEqual(self.sub.terms_accepted_date, datetime(2026, 2, 10, 12, 0))
        self.assertEqual(self.sub.terms_accepted_partner_id, self.partner)
        self.assertShopTold(self.sub, "Terms and conditions of the plan Monthly accepted.")
        self.assertCustomerTold(self.sub, self.partner, "Terms and conditions of the plan Monthly")
        self.as_alice._portal_pause()
        self.assertEqual(self.sub.state, "paused")
        with self.assertRaisesRegex(UserError, "already accepted"):
            self.as_alice._portal_accept_terms()

    def test_plan_without_terms_has_nothing_to_accept(self):
        self.plan_monthly.terms = "<p><br></p>"
        with self.assertRaisesRegex(UserError, "no terms"):
            self.as_alice._portal_accept_terms()
        self.assertFalse(self.sub.terms_accepted_date)

    # ------------------------------------------------------------------
    # Portal users still cannot write directly
    # ------------------------------------------------------------------

    def test_portal_user_writes_only_through_the_portal_actions(self):
        with self.assertRaises(AccessError):
            self.as_alice.write({"state": "paused"})
        with self.assertRaises(AccessError):
            self.as_alice.write({"terms_accepted_date": "2026-02-10 12:00:00"})
        with self.assertRaises(AccessError):
            self._coming(self.sub)[1].with_user(self.portal_alice).action_skip()
        self.assertEqual(self.sub.state, "active")
