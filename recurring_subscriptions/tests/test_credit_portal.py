import re
from datetime import datetime, time, timedelta
from unittest.mock import patch
from urllib.parse import urlsplit

import pytz

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..controllers.portal_credit import RecurringCreditPortal
from .common_credit import CreditCommon
from .portal_common import PortalHttpMixin, RecurringPortalCommon

TZ = "Europe/Brussels"


@tagged("post_install", "-at_install")
class TestCreditPortal(PortalHttpMixin, CreditCommon, RecurringPortalCommon, HttpCase):
    """/my/credits and /my/bookings over HTTP: what the customer sees, booking and
    cancelling a slot, and the refusals.

    Real dates: the slots are booked a few days from now. Alice's portal user
    lives in Brussels: the form's date-times are local, the bookings UTC.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_alice.tz = TZ
        cls.today = fields.Date.today()
        cls.alice_tickets = cls._named_grant(
            "Alice spring tickets", 6, cls.half_day, cls.partner, cls.today + timedelta(days=10)
        )
        cls.alice_hours = cls._named_grant("Alice room hours", 5, cls.room_hour, cls.partner)
        cls.bob_tickets = cls._named_grant(
            "Bob secret tickets", 9, cls.half_day, cls.partner_b, cls.today + timedelta(days=5)
        )
        start, stop = cls._slot(3, time(9), time(13))
        cls.booking_bob = cls.env["recurring.booking"]._portal_book(
            cls.partner_b, cls.open_space, start, stop
        )

    @classmethod
    def _named_grant(cls, name, quantity, credit_type, partner, expiry=False):
        return cls.env["recurring.credit.entry"]._create_grants(
            [
                {
                    "name": name,
                    "source": "manual",
                    "partner_id": partner.id,
                    "credit_type_id": credit_type.id,
                    "company_id": cls.env.company.id,
                    "quantity": quantity,
                    "expiry_date": expiry,
                }
            ]
        )

    @staticmethod
    def _slot(days, start_hour, stop_hour):
        """A slot ``days`` days from now, Brussels hours, as naive UTC datetimes."""
        tz = pytz.timezone(TZ)
        day = datetime.now(tz).date() + timedelta(days=days)
        return tuple(
            tz.localize(datetime.combine(day, hour)).astimezone(pytz.utc).replace(tzinfo=None)
            for hour in (start_hour, stop_hour)
        )

    @staticmethod
    def _local(moment):
        """A naive UTC datetime as the form sends it (Brussels, datetime-local)."""
        return pytz.utc.localize(moment).astimezone(pytz.timezone(TZ)).strftime("%Y-%m-%dT%H:%M")

    def _post_booking(self, resource, start, stop, **data):
        return self._post(
            "/my/bookings/new",
            {"resource_id": resource.id, "start": self._local(start), "stop": self._local(stop)}
            | data,
        )

    def _alice_bookings(self):
        return self.env["recurring.booking"].search([("partner_id", "=", self.partner.id)])

    def _rows(self, text, css_class):
        return re.findall(rf'<tr[^>]*class="{css_class}"[^>]*>(.*?)</tr>', text, re.S)

    def _flash(self, text):
        match = re.search(
            r'class="alert alert-(\w+)[^"]*o_recurring_flash".*?</button>(.*?)</div>', text, re.S
        )
        self.assertTrue(match, "no one-time message on the page")
        return match.group(1), " ".join(match.group(2).split())

    # ------------------------------------------------------------------
    # Tile and pages
    # ------------------------------------------------------------------

    def test_tile_shows_own_balance_or_coming_bookings(self):
        self._login(self.portal_alice)
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn('href="/my/bookings"', home.text)
        self.assertIn('data-placeholder_count="recurring_credit_count"', home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["recurring_credit_count"]}
        )
        self.assertEqual(counters["recurring_credit_count"], 11)  # 6 tickets + 5 hours
        self._login(self.portal_bob)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["recurring_credit_count"]}
        )
        self.assertEqual(counters["recurring_credit_count"], 8)  # 9 tickets, 1 booked
        # Without credits, the tile counts the coming bookings (0 hides it).
        carol = self.env["res.partner"].create({"name": "Carol Cook", "email": "carol@example.com"})
        portal_carol = self._portal_user("rs_portal_carol", carol)
        self._login(portal_carol)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["recurring_credit_count"]}
        )
        self.assertEqual(counters["recurring_credit_count"], 0)
        self.env["recurring.booking"]._portal_book(
            carol, self.projector, *self._slot(2, time(9), time(10))
        )
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["recurring_credit_count"]}
        )
        self.assertEqual(counters["recurring_credit_count"], 1)

    def test_pages_require_login(self):
        for path in ("/my/credits", "/my/bookings"):
            with self.subTest(path=path):
                response = self.url_open(path, allow_redirects=False)
                self.assertEqual(response.status_code, 303)
                self.assertIn("/web/login", response.headers["Location"])

    def test_credits_page_shows_own_balance_expiring_and_history(self):
        self._login(self.portal_alice)
        response = self.url_open("/my/credits")
        self.assertEqual(response.status_code, 200)
        text = response.text
        balances = re.findall(
            r'o_recurring_credit_balance">\s*<div[^>]*>\s*<div class="fs-3 fw-bold">([^<]*)</div>'
            r'\s*<div class="text-muted">\s*([^<]*?)\s*<',
            text,
        )
        self.assertEqual(sorted(balances), [("5", "hours"), ("6", "half-day tickets")])
        expiring = self._rows(text, "o_recurring_expiring")
        self.assertEqual(len(expiring), 1, "the hours never expire")
        self.assertIn("Alice spring tickets", expiring[0])
        history = self._rows(text, "o_recurring_credit_entry")
        self.assertEqual(len(history), 2)
        self.assertIn("Alice room hours", text)
        self.assertIn("+6", text)
        # Bob's credits and bookings never show.
        self.assertNotIn("Bob secret tickets", text)
        self.assertNotIn("Booking:", text)

    def test_credit_history_is_paged(self):
        for quantity in (1, 2, 3):
            self._named_grant(f"Extra hours {quantity}", quantity, self.room_hour, self.partner)
        self._login(self.portal_alice)
        with patch.object(RecurringCreditPortal, "_items_per_page", 3):
            first = self.url_open("/my/credits").text
            second = self.url_open("/my/credits/page/2").text
        self.assertEqual(len(self._rows(first, "o_recurring_credit_entry")), 3)
        self.assertEqual(len(self._rows(second, "o_recurring_credit_entry")), 2)
        self.assertIn("Extra hours 3", first, "newest first")
        self.assertIn("Alice spring tickets", second)
        self.assertIn('href="/my/credits/page/2"', first)

    def test_bookings_page_quotes_the_slot_for_each_resource(self):
        start, stop = self._slot(2, time(9), time(12))
        self._login(self.portal_alice)
        text = self.url_open(
            f"/my/bookings?resource_id={self.room.id}&start={self._local(start)}"
            f"&stop={self._local(stop)}"
        ).text
        rows = {
            int(resource_id): " ".join(re.sub(r"<[^>]+>", " ", row).split())
            for resource_id, row in re.findall(
                r'<tr class="o_recurring_resource[^"]*" data-resource-id="(\d+)">(.*?)</tr>',
                text,
                re.S,
            )
        }
        self.assertEqual(
            set(rows), set((self.room | self.open_space | self.desk | self.projector).ids)
        )
        self.assertIn("3 hours", rows[self.room.id])
        self.assertIn("1 half-day tickets", rows[self.open_space.id])
        self.assertIn("Free", rows[self.projector.id])
        self.assertIn(f'value="{self._local(start)}"', text)
        self.assertIn(
            f'class="o_recurring_resource table-active" data-resource-id="{self.room.id}"', text
        )
        # Bob's booking is not Alice's.
        self.assertNotIn(f'data-booking-id="{self.booking_bob.id}"', text)
        self.assertIn("You have no upcoming booking.", text)
        bad = self.url_open(f"/my/bookings?start={self._local(stop)}&stop={self._local(start)}")
        self.assertIn("The end of the booking must be after its start.", bad.text)

    # ------------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------------

    def test_book_a_slot_spends_credits(self):
        start, stop = self._slot(2, time(9), time(13))
        self._login(self.portal_alice)
        response = self._post_booking(self.open_space, start, stop)
        self.assertEqual(urlsplit(response.headers["Location"]).path, "/my/bookings")
        page = self._follow(response)
        kind, message = self._flash(page.text)
        self.assertEqual(kind, "success")
        self.assertIn("is booked: 1 half-day tickets spent.", message)
        booking = self._alice_bookings()
        self.assertEqual(len(booking), 1)
        self.assertEqual(booking.state, "confirmed")
        self.assertEqual((booking.start, booking.stop), (start, stop))
        self.assertEqual(booking.user_id, self.portal_alice)
        consumption = booking.entry_ids
        self.assertEqual(consumption.kind, "consumption")
        self.assertEqual(consumption.quantity, -1.0)
        self.assertEqual(consumption.grant_id, self.alice_tickets)
        self.assertEqual(self._balance(), 5.0)
        upcoming = self._rows(page.text, "o_recurring_booking_upcoming")
        self.assertEqual(len(upcoming), 1)
        self.assertIn("Open space", upcoming[0])
        self.assertIn('name="cancel_booking"', upcoming[0])
        # The message is shown once.
        self.assertNotIn("o_recurring_flash", self.url_open("/my/bookings").text)

    def test_too_few_credits_is_refused_with_a_clear_message(self):
        start, stop = self._slot(2, time(9), time(15))
        self._login(self.portal_alice)
        response = self._post_booking(self.room, start, stop)
        page = self._follow(response)
        kind, message = self._flash(page.text)
        self.assertEqual(kind, "danger")
        self.assertIn("Not enough hours to book Room Everest: this booking costs 6", message)
        self.assertIn("has 5", message)
        self.assertFalse(self._alice_bookings())
        self.assertEqual(self._balance(credit_type=self.room_hour), 5.0)
        self.assertEqual(
            self.env["recurring.credit.entry"].search_count([("partner_id", "=", self.partner.id)]),
            2,
        )
        # The form keeps what the customer entered.
        self.assertIn(f'value="{self._local(start)}"', page.text)
        self.assertIn(
            f'class="o_recurring_resource table-active" data-resource-id="{self.room.id}"',
            page.text,
        )

    def test_pay_the_missing_credits_with_a_quotation(self):
        start, stop = self._slot(2, time(9), time(15))
        self._login(self.portal_alice)
        page = self._follow(self._post_booking(self.room, start, stop, pay_difference="1"))
        kind, message = self._flash(page.text)
        self.assertEqual(kind, "success", message)
        booking = self._alice_bookings()
        self.assertEqual(booking.state, "confirmed")
        self.assertEqual(booking.credits_spent, 5.0)
        self.assertEqual(booking.sale_order_id.order_line.product_uom_qty, 1.0)
        self.assertIn(booking.sale_order_id.name, message)
        self.assertEqual(self._balance(credit_type=self.room_hour), 0.0)

    def test_invalid_booking_forms_are_refused(self):
        start, stop = self._slot(2, time(9), time(13))
        archived = self.desk.copy({"name": "Old desk", "active": False})
        past = (start - timedelta(days=5), stop - timedelta(days=5))
        self._login(self.portal_alice)
        for label, data, expected in (
            (
                "end before start",
                {"start": self._local(stop), "stop": self._local(start)},
                "must be after its start",
            ),
            ("no date", {"start": "", "stop": "tomorrow"}, "enter the start and the end"),
            ("no resource", {"resource_id": ""}, "choose one of the resources offered"),
            ("archived", {"resource_id": archived.id}, "choose one of the resources offered"),
            ("unknown", {"resource_id": 999999}, "choose one of the resources offered"),
            (
                "past",
                {"start": self._local(past[0]), "stop": self._local(past[1])},
                "already started",
            ),
        ):
            with self.subTest(label):
                form = {
                    "resource_id": self.open_space.id,
                    "start": self._local(start),
                    "stop": self._local(stop),
                } | data
                kind, message = self._flash(self._follow(self._post("/my/bookings/new", form)).text)
                self.assertEqual(kind, "danger")
                self.assertIn(expected, message)
        self.assertFalse(self._alice_bookings())
        self.assertEqual(self._balance(), 6.0)

    def test_full_slot_is_refused(self):
        # The open space takes two bookings at a time: Bob's and Carol's fill it.
        start, stop = self.booking_bob.start, self.booking_bob.stop
        carol = self.env["res.partner"].create({"name": "Carol Cook"})
        self._named_grant("Carol tickets", 2, self.half_day, carol)
        self.env["recurring.booking"]._portal_book(carol, self.open_space, start, stop)
        self._login(self.portal_alice)
        kind, message = self._flash(
            self._follow(self._post_booking(self.open_space, start, stop)).text
        )
        self.assertEqual(kind, "danger")
        self.assertIn("fully booked", message)
        self.assertFalse(self._alice_bookings())
        self.assertEqual(self._balance(), 6.0)

    # ------------------------------------------------------------------
    # Cancelling
    # ------------------------------------------------------------------

    def test_cancel_before_the_deadline_gives_the_credits_back(self):
        self._login(self.portal_alice)
        self._post_booking(self.open_space, *self._slot(2, time(9), time(13)))
        booking = self._alice_bookings()
        self.assertEqual(self._balance(), 5.0)
        page = self._follow(self._post(f"/my/bookings/{booking.id}/cancel"))
        kind, message = self._flash(page.text)
        self.assertEqual(kind, "success")
        self.assertIn("is cancelled: 1 half-day tickets given back.", message)
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(self._balance(), 6.0)
        self.assertEqual(booking.entry_ids.filtered(lambda e: e.kind == "reversal").quantity, 1.0)
        self.assertFalse(self._rows(page.text, "o_recurring_booking_upcoming"))
        past = self._rows(page.text, "o_recurring_booking_past")
        self.assertEqual(len(past), 1)
        self.assertIn("Cancelled", past[0])
        self.assertIn("1 given back", " ".join(re.sub(r"<[^>]+>", " ", past[0]).split()))
        # Cancelling twice is refused with a message.
        kind, message = self._flash(
            self._follow(self._post(f"/my/bookings/{booking.id}/cancel")).text
        )
        self.assertEqual(kind, "danger")
        self.assertIn("Only coming confirmed bookings can be cancelled.", message)
        self.assertEqual(self._balance(), 6.0)

    def test_cancel_after_the_deadline_keeps_the_credits(self):
        # The room gives its credits back until 24 hours before the booking.
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(hours=3)
        booking = self.env["recurring.booking"]._portal_book(
            self.partner, self.room, start, start + timedelta(hours=2)
        )
        self.assertEqual(self._balance(credit_type=self.room_hour), 3.0)
        self._login(self.portal_alice)
        page = self.url_open("/my/bookings").text
        self.assertIn("Credits not given back any more", page)
        kind, message = self._flash(
            self._follow(self._post(f"/my/bookings/{booking.id}/cancel")).text
        )
        self.assertEqual(kind, "success")
        self.assertIn("they are not given back", message)
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(self._balance(credit_type=self.room_hour), 3.0)

    def test_another_customer_booking_is_refused(self):
        self._login(self.portal_alice)
        response = self._post(f"/my/bookings/{self.booking_bob.id}/cancel")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.booking_bob.state, "confirmed")
        self.assertEqual(self._balance(self.partner_b), 8.0)
        missing = self._post("/my/bookings/999999/cancel")
        self.assertEqual(missing.status_code, 404)
        # An employee reading every booking still cannot cancel it from the portal.
        self.authenticate(self.salesman.login, self.salesman.login)
        self.assertEqual(self._post(f"/my/bookings/{self.booking_bob.id}/cancel").status_code, 403)
        self.assertEqual(self.booking_bob.state, "confirmed")

    def test_post_without_csrf_token_is_refused(self):
        start, stop = self._slot(2, time(9), time(13))
        self._login(self.portal_alice)
        response = self._post(
            "/my/bookings/new",
            {
                "resource_id": self.open_space.id,
                "start": self._local(start),
                "stop": self._local(stop),
            },
            csrf=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._alice_bookings())
        booking = self.env["recurring.booking"]._portal_book(
            self.partner, self.open_space, start, stop
        )
        # A form post like the page's, without its csrf_token field.
        response = self._post(
            f"/my/bookings/{booking.id}/cancel", {"cancel_booking": ""}, csrf=False
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(booking.state, "confirmed")

    def test_actions_need_a_post(self):
        self._login(self.portal_alice)
        response = self.url_open(
            f"/my/bookings/{self.booking_bob.id}/cancel", allow_redirects=False
        )
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.booking_bob.state, "confirmed")
