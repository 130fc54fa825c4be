from datetime import datetime

from freezegun import freeze_time

from .common_credit import CreditCommon


@freeze_time("2026-03-02 08:00:00")
class TestCustomerTimezone(CreditCommon):
    """Booking messages and ledger descriptions give the customer's local time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.tz = "Asia/Tokyo"  # UTC+9, no summer time
        cls.env.user.tz = "UTC"

    def test_booking_times_in_the_customer_time_zone(self):
        self._grant(10.0)
        # 00:00 UTC is 9:00 in Tokyo.
        booking = self._book(
            self.open_space, datetime(2026, 3, 10, 0, 0), datetime(2026, 3, 10, 4, 0)
        )
        self.assertIn("9:00", booking.display_name)
        booking.action_confirm()
        consumption = booking.entry_ids.filtered(lambda e: e.kind == "consumption")
        self.assertIn("9:00", consumption.name)
        self.assertNotIn("12:00 AM", consumption.name)
        booking.action_cancel()
        reversal = booking.entry_ids.filtered(lambda e: e.kind == "reversal")
        self.assertIn("Booking cancelled", reversal.name)
        self.assertIn("9:00", reversal.name)

    def test_full_resource_message_in_the_customer_time_zone(self):
        self._grant(10.0)
        self._grant(10.0, partner=self.partner_b)
        first = self._book(self.desk, datetime(2026, 3, 10, 0, 0), datetime(2026, 3, 10, 4, 0))
        first.action_confirm()
        second = self._book(
            self.desk,
            datetime(2026, 3, 10, 0, 0),
            datetime(2026, 3, 10, 4, 0),
            partner=self.partner,
        )
        with self.assertRaisesRegex(Exception, "9:00"):
            second.action_confirm()

    def test_fallback_to_the_user_time_zone(self):
        self.partner.tz = False
        self.env.user.tz = "Asia/Tokyo"
        booking = self._book(
            self.open_space, datetime(2026, 3, 10, 0, 0), datetime(2026, 3, 10, 4, 0)
        )
        self.assertEqual(booking._get_customer_tz(), "Asia/Tokyo")
