from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_credit import CreditCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01 10:00:00")
class TestCreditSecurity(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="rs_credit_sec_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.portal = new_test_user(
            cls.env,
            login="rs_credit_sec_alice",
            groups="base.group_portal",
            partner_id=cls.partner.id,
            name=cls.partner.name,
            email=cls.partner.email,
        )
        with freeze_time("2026-03-01 10:00:00"):
            cls.grant_alice = cls._grant(4, expiry=date(2026, 3, 31))
            cls.grant_bob = cls._grant(4, partner=cls.partner_b)
            cls.booking_alice = cls._book(
                cls.open_space, datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 12)
            )
            cls.booking_bob = cls._book(
                cls.open_space, datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 12), cls.partner_b
            )
            (cls.booking_alice | cls.booking_bob).action_confirm()

    def test_portal_user_reads_only_their_own_credits_and_bookings(self):
        Entry = self.Entry.with_user(self.portal)
        self.assertEqual(Entry.search([]), self.grant_alice | self.booking_alice.entry_ids)
        with self.assertRaises(AccessError):
            self.grant_bob.with_user(self.portal).read(["quantity"])
        self.assertEqual(self.Booking.with_user(self.portal).search([]), self.booking_alice)
        with self.assertRaises(AccessError):
            self.booking_bob.with_user(self.portal).read(["start"])
        self.assertEqual(
            self.partner.with_user(self.portal)._get_credit_balances(), {self.half_day: 3}
        )
        # Resources and credit types are public to customers.
        self.assertIn(
            self.room, self.env["recurring.booking.resource"].with_user(self.portal).search([])
        )
        self.assertEqual(self.half_day.with_user(self.portal).unit_label, "half-day tickets")

    def test_portal_user_cannot_write_the_ledger_or_book_directly(self):
        with self.assertRaises(AccessError):
            self.Entry.with_user(self.portal).create(
                {
                    "name": "Free credits",
                    "kind": "grant",
                    "source": "manual",
                    "partner_id": self.partner.id,
                    "credit_type_id": self.half_day.id,
                    "company_id": self.env.company.id,
                    "quantity": 100,
                }
            )
        with self.assertRaises(AccessError):
            self.Booking.with_user(self.portal).create(
                {
                    "partner_id": self.partner.id,
                    "resource_id": self.desk.id,
                    "start": datetime(2026, 3, 3, 8),
                    "stop": datetime(2026, 3, 3, 12),
                }
            )
        with self.assertRaises(AccessError):
            self.booking_alice.with_user(self.portal).action_cancel()
        self.assertEqual(self.booking_alice.state, "confirmed")
        self.assertEqual(self._balance(), 3)

    def test_salesman_books_with_credits_but_never_edits_the_ledger(self):
        booking = self._book(self.desk, datetime(2026, 3, 3, 8), datetime(2026, 3, 3, 12))
        booking.with_user(self.salesman).action_confirm()
        self.assertEqual(booking.credits_spent, 1)
        self.assertEqual(self._balance(), 2)
        with self.assertRaises(AccessError):
            self.grant_alice.with_user(self.salesman).write({"expiry_reminder_sent": True})
        with self.assertRaises(AccessError):
            self.grant_alice.with_user(self.salesman).unlink()
        with self.assertRaises(AccessError):
            self.room.with_user(self.salesman).write({"capacity": 10})
        with self.assertRaises(AccessError):
            self.half_day.with_user(self.salesman).write({"validity_interval": 12})
        booking.with_user(self.salesman).action_cancel()
        self.assertEqual(self._balance(), 3)

    def test_credits_of_another_company_are_invisible_and_not_spent_here(self):
        company_b = self.env["res.company"].create(
            {"name": "Second Space", "currency_id": self.currency.id}
        )
        grant_b = self._grant(10, company=company_b)
        room_b = self.env["recurring.booking.resource"].create(
            {"name": "Room in B", "company_id": company_b.id, "credit_type_id": self.half_day.id}
        )
        Entry = self.Entry.with_user(self.salesman)
        self.assertFalse(Entry.search([("id", "=", grant_b.id)]))
        self.assertFalse(
            self.env["recurring.booking.resource"]
            .with_user(self.salesman)
            .search([("id", "=", room_b.id)])
        )
        self.assertEqual(
            self.partner._get_credit_balances(company=self.env.company), {self.half_day: 3}
        )
        # Credits granted by company B do not pay for company A's resources.
        self._grant(0.5, credit_type=self.half_day, partner=self.partner_b)
        self.booking_bob.action_cancel()  # Bob: 4 tickets back, 4.5 here, 10 in B
        full_day = self._book(
            self.desk, datetime(2026, 3, 5, 8), datetime(2026, 3, 5, 17), self.partner_b
        )
        full_day.action_confirm()
        self.assertFalse(full_day.entry_ids.filtered(lambda e: e.company_id == company_b))
        both = new_test_user(
            self.env,
            login="rs_credit_two_spaces",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | company_b).ids)],
        )
        Entry = self.Entry.with_user(both).with_context(
            allowed_company_ids=(self.company | company_b).ids
        )
        self.assertEqual(Entry.search([("id", "=", grant_b.id)]), grant_b)
        # Company B's 10 tickets would pay for 33 hours; company A's 2.5 do not.
        with self.assertRaisesRegex(UserError, "costs 8, Bob Baker has 2.5"):
            self._book(
                self.desk, datetime(2026, 3, 6, 8), datetime(2026, 3, 7, 17), self.partner_b
            ).action_confirm()
