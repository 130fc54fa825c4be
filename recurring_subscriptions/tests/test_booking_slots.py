"""Plain tests for resource occupation in ``utils/booking_slots.py``."""

from datetime import datetime, timedelta

from odoo.tests import BaseCase

from odoo.addons.recurring_subscriptions.utils import booking_slots

from .property_common import given, settings, skip_without_hypothesis, st


def at(hour, minute=0):
    return datetime(2026, 3, 2, hour, minute)


class TestBookingSlots(BaseCase):
    def test_peak_usage(self):
        cases = [
            ([], at(9), at(12), 0),
            ([(at(9), at(10)), (at(11), at(12))], at(9), at(12), 1),  # never at once
            ([(at(9), at(11)), (at(10), at(12))], at(9), at(12), 2),
            ([(at(8), at(9))], at(9), at(10), 0),  # ends when the other starts
            ([(at(10), at(11))], at(9), at(10), 0),  # starts when the other ends
            ([(at(9), at(10)), (at(10), at(11))], at(9), at(11), 1),  # back to back
            ([(at(8), at(18))] * 3, at(12), at(13), 3),
            ([(at(9), at(10)), (at(9, 30), at(11)), (at(9, 45), at(9, 50))], at(9), at(12), 3),
        ]
        for intervals, start, stop, expected in cases:
            with self.subTest(intervals=intervals, start=start, stop=stop):
                self.assertEqual(booking_slots.peak_usage(intervals, start, stop), expected)

    def test_fits(self):
        cases = [
            ([], 1, True),
            ([(at(9), at(12))], 1, False),
            ([(at(9), at(12))], 2, True),
            ([(at(9), at(10)), (at(11), at(12))], 2, True),
            ([(at(9), at(11)), (at(10), at(12))], 2, False),
            ([], 0, False),
        ]
        for intervals, capacity, expected in cases:
            with self.subTest(intervals=intervals, capacity=capacity):
                self.assertIs(booking_slots.fits(intervals, at(9), at(12), capacity), expected)

    def test_empty_interval_is_an_error(self):
        with self.assertRaises(ValueError):
            booking_slots.peak_usage([], at(10), at(10))
        with self.assertRaises(ValueError):
            booking_slots.peak_usage([(at(11), at(10))], at(9), at(12))


slots = st.tuples(st.integers(0, 47), st.integers(1, 12)).map(
    lambda t: (at(0) + timedelta(minutes=30 * t[0]), at(0) + timedelta(minutes=30 * (t[0] + t[1])))
)


@skip_without_hypothesis
class TestBookingSlotsProperties(BaseCase):
    @settings(max_examples=200, deadline=None)
    @given(intervals=st.lists(slots, max_size=10), window=slots)
    def test_peak_usage_matches_counting_every_half_hour(self, intervals, window):
        start, stop = window
        moments = [
            start + timedelta(minutes=30 * i)
            for i in range((stop - start) // timedelta(minutes=30))
        ]
        brute = max((sum(1 for s, e in intervals if s <= m < e) for m in moments), default=0)
        self.assertEqual(booking_slots.peak_usage(intervals, start, stop), brute)
