from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_credit import CreditCommon

DAY = date(2026, 3, 10)


def at(hour, day=10, minute=0):
    return datetime(2026, 3, day, hour, minute)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01 10:00:00")
class TestBookings(CreditCommon):
    def test_confirming_spends_credits_by_the_conversion_rules(self):
        self._grant(5, expiry=date(2026, 3, 31))
        morning = self._book(self.open_space, at(8), at(12))
        full_day = self._book(self.desk, at(8), at(17))
        (morning | full_day).action_confirm()
        self.assertEqual(
            (morning.state, morning.credit_cost, morning.credits_spent), ("confirmed", 1, 1)
        )
        self.assertEqual(
            (full_day.credit_cost, full_day.credits_spent), (2, 2), "a full day = 2 tickets"
        )
        self.assertEqual(self._balance(), 2)
        self.assertEqual(full_day.cancel_deadline, at(8, day=9), "24 hours before, by default")
        self.assertEqual(morning.cancel_deadline, at(6), "2 hours before")
        self.assertEqual(self.partner._get_upcoming_bookings(), full_day | morning)

    def test_a_salesperson_books_from_the_form(self):
        self._grant(2, expiry=date(2026, 3, 31))
        form = Form(self.Booking)
        form.partner_id = self.partner
        form.resource_id = self.desk
        form.start = at(8)
        form.stop = at(12)
        self.assertEqual(form.duration, 4)
        self.assertEqual(form.credit_type_id, self.half_day)
        booking = form.save()
        booking.action_confirm()
        self.assertEqual(booking.display_name, "Desk by the window, 3/10/26, 8:00 AM")
        self.assertEqual(self.partner.recurring_booking_count, 1)
        action = self.partner.action_view_recurring_bookings()
        self.assertEqual(self.Booking.search(action["domain"]), booking)
        self.assertEqual(self.desk.booking_count, 1)

    def test_too_few_credits_is_a_clear_error_and_spends_nothing(self):
        self._grant(1, expiry=date(2026, 3, 31))
        booking = self._book(self.desk, at(8), at(17))
        with self.assertRaisesRegex(
            UserError,
            "Not enough half-day tickets to book Desk by the window: this booking costs 2, "
            "Alice Grower has 1.",
        ):
            booking.action_confirm()
        self.assertEqual(booking.state, "draft")
        self.assertFalse(booking.entry_ids)
        self.assertEqual(self._balance(), 1)

    def test_a_free_resource_is_booked_without_credits(self):
        booking = self._book(self.projector, at(9), at(11))
        booking.action_confirm()
        self.assertEqual((booking.state, booking.credit_cost), ("confirmed", 0))
        self.assertFalse(booking.entry_ids)

    def test_missing_credits_are_quoted_when_the_resource_has_a_price(self):
        self._grant(1, credit_type=self.room_hour)
        booking = self._book(self.room, at(9), at(12))
        with self.assertRaisesRegex(UserError, "quotation for the 2 missing"):
            booking.action_confirm()
        action = booking.action_confirm_and_pay()
        order = booking.sale_order_id
        self.assertEqual(action["res_id"], order.id)
        self.assertEqual(booking.state, "confirmed")
        self.assertEqual(
            (booking.credit_cost, booking.credits_spent, booking.credits_missing), (3, 1, 2)
        )
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.partner)
        self.assertEqual(order.order_line.product_id, self.product_room_hour)
        self.assertEqual(order.order_line.product_uom_qty, 2)
        self.assertEqual(order.amount_total, 50.0)
        self.assertEqual(self._balance(credit_type=self.room_hour), 0)
        # Cancelled before the deadline: the credit comes back, the quotation is cancelled.
        booking.action_cancel()
        self.assertEqual(self._balance(credit_type=self.room_hour), 1)
        self.assertEqual(order.state, "cancel")

    def test_bookings_beyond_capacity_are_refused(self):
        self._grant(10)
        first = self._book(self.open_space, at(9), at(11))
        second = self._book(self.open_space, at(10), at(12))
        (first | second).action_confirm()
        third = self._book(self.open_space, at(10, minute=30), at(13))
        with self.assertRaisesRegex(ValidationError, "Open space is fully booked .*2 at a time"):
            third.action_confirm()
        self.assertEqual(third.state, "draft")
        # Back to back and never three at once: fine.
        self._book(self.open_space, at(12), at(14)).action_confirm()
        self._book(self.open_space, at(14), at(15)).action_confirm()
        # A cancelled booking frees its place.
        first.action_cancel()
        third.action_confirm()
        self.assertEqual(third.state, "confirmed")

    def test_cancelling_before_the_deadline_gives_the_credits_back(self):
        grant = self._grant(4, expiry=date(2026, 3, 31))
        booking = self._book(self.desk, at(8), at(17))
        booking.action_confirm()
        self.assertTrue(booking.can_cancel_with_refund)
        booking.action_cancel()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.credits_refunded, 2)
        self.assertEqual(grant.remaining, 4, "given back to the same grant")
        self.assertEqual(self._balance(), 4)
        self.assertTrue(any("2 half-day tickets given back" in m.body for m in booking.message_ids))
        # Cancelling twice never gives back twice.
        booking.entry_ids.filtered(lambda e: e.kind == "consumption")._reverse("again")
        self.assertEqual(self._balance(), 4)

    def test_cancelling_after_the_deadline_keeps_the_credits(self):
        self._grant(4, expiry=date(2026, 3, 31))
        booking = self._book(self.open_space, at(8), at(12))
        booking.action_confirm()
        with freeze_time("2026-03-10 06:30:00"):  # deadline: 2 hours before 08:00
            self.assertFalse(booking.can_cancel_with_refund)
            booking.action_cancel()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(self._balance(), 3)
        self.assertFalse(booking.credits_refunded)

    def test_credits_given_back_after_their_grant_expired_come_back_as_a_new_grant(self):
        old = self._grant(2, expiry=date(2026, 3, 5))
        booking = self._book(self.open_space, at(8, day=20), at(12, day=20))
        booking.action_confirm()
        self.assertEqual(booking.entry_ids.grant_id, old)
        with freeze_time("2026-03-08 10:00:00"):
            self.Entry._cron_expire_credits()
            self.assertEqual(self._balance(), 0, "the other ticket expired")
            booking.action_cancel()
            self.assertEqual(self._balance(), 1)
            regrant = booking.entry_ids.filtered(lambda e: e.kind == "reversal")
            self.assertTrue(regrant.is_grant)
            self.assertEqual(regrant.expiry_date, date(2026, 3, 15), "valid 7 more days")
            self.assertEqual(old.remaining, 0, "the expired grant is not revived")
        with freeze_time("2026-03-16"):
            self.Entry._cron_expire_credits()
        self.assertEqual(self._balance(), 0)

    def test_a_confirmed_booking_cannot_move(self):
        self._grant(4)
        booking = self._book(self.open_space, at(8), at(12))
        booking.action_confirm()
        with self.assertRaisesRegex(UserError, "cancel it and book again"):
            booking.start = at(9)
        with self.assertRaisesRegex(UserError, "cancelled instead|cannot be deleted"):
            booking.unlink()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self._book(self.desk, at(12), at(8))

    def test_portal_books_and_cancels_for_its_own_customer(self):
        self._grant(2, expiry=date(2026, 3, 31))
        Booking = self.Booking.sudo()
        quote = Booking._portal_get_quote(self.partner, self.room, at(8), at(11))
        self.assertEqual(
            quote,
            {
                "cost": 3,
                "available": 0,
                "missing": 3,
                "missing_label": "3 missing",
                "unit": "hours",
                "can_pay_difference": True,
            },
        )
        quote = Booking._portal_get_quote(self.partner, self.desk, at(8), at(17))
        self.assertEqual((quote["cost"], quote["available"], quote["missing"]), (2, 2, 0))
        booking = Booking._portal_book(self.partner, self.open_space, at(8), at(12))
        self.assertEqual((booking.state, booking.credits_spent), ("confirmed", 1))
        with self.assertRaisesRegex(UserError, "already started"):
            Booking._portal_book(self.partner, self.open_space, at(8, day=1), at(12, day=1))
        with self.assertRaises(AccessError):
            booking._portal_cancel(self.partner_b)
        booking._portal_cancel(self.partner)
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(self._balance(), 2)
        with self.assertRaisesRegex(UserError, "Only coming confirmed bookings"):
            booking._portal_cancel(self.partner)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01 10:00:00")
class TestSubscriptionReservation(CreditCommon):
    def _dedicated_desk_subscription(self, **values):
        return self._create_subscription(
            plan=self.plan_monthly,
            partner=self.partner_b,
            start=date(2026, 3, 1),
            lines=[
                {
                    "product_id": self.product_plain.id,
                    "price_mode": "fixed",
                    "price_unit": 300.0,
                    "booking_resource_id": self.desk.id,
                }
            ],
            **values,
        )

    def test_a_subscription_line_blocks_its_resource_while_it_runs(self):
        self._grant(10)
        sub = self._dedicated_desk_subscription()
        draft_booking = self._book(self.desk, at(8), at(12))
        sub.action_start()
        with self.assertRaisesRegex(ValidationError, "reserved for the subscription"):
            draft_booking.action_confirm()
        # Other resources are still free.
        self._book(self.open_space, at(8), at(12)).action_confirm()
        # Once the subscription is closed, the desk can be booked again.
        sub._action_close(self.env.ref("recurring_subscriptions.close_reason_customer"))
        draft_booking.action_confirm()
        self.assertEqual(draft_booking.state, "confirmed")

    def test_a_reservation_ends_with_the_subscription(self):
        self._grant(10)
        sub = self._dedicated_desk_subscription(end_date=date(2026, 3, 15))
        sub.action_start()
        booking = self._book(self.desk, at(8, day=16), at(12, day=16))
        booking.action_confirm()
        self.assertEqual(booking.state, "confirmed")

    def test_a_resource_booked_later_cannot_be_reserved(self):
        self._grant(10)
        self._book(self.desk, at(8, day=20), at(12, day=20)).action_confirm()
        with self.assertRaisesRegex(ValidationError, "it is booked by Alice Grower"):
            self._dedicated_desk_subscription()
        sub = self._dedicated_desk_subscription(end_date=date(2026, 3, 19))
        self.assertEqual(sub.line_ids.booking_resource_id, self.desk, "ends before the booking")

    def test_two_subscriptions_cannot_reserve_the_same_resource(self):
        self._dedicated_desk_subscription().action_start()
        with self.assertRaisesRegex(ValidationError, "already reserved"):
            self._create_subscription(
                partner=self.partner,
                start=date(2026, 4, 1),
                lines=[
                    {
                        "product_id": self.product_plain.id,
                        "booking_resource_id": self.desk.id,
                    }
                ],
            )
        sub = self._create_subscription(
            lines=[{"product_id": self.product_plain.id}], start=date(2026, 4, 1)
        )
        with self.assertRaisesRegex(ValidationError, "already reserved"):
            sub.line_ids = [
                Command.create(
                    {"product_id": self.product_plain.id, "booking_resource_id": self.desk.id}
                )
            ]
