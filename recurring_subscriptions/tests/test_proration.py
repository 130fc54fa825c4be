"""Plain tests for the proration of changed periods in ``utils/proration.py``."""

import itertools
import unittest
from datetime import date, timedelta
from fractions import Fraction

from odoo.tests import BaseCase

from odoo.addons.recurring_subscriptions.utils import periods, proration

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a test requirement
    given = None

D = date
ONE_DAY = timedelta(days=1)


class TestProrationTable(BaseCase):
    def test_unused_amount(self):
        cases = [
            # (period start, end, change day, amount, expected unused part)
            # Day-exact: 31-day month, change on the 11th -> 21 days of 31 left.
            (D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 11), 31.0, 21.0),
            (D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 1), 99.99, 99.99),
            (D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 31), 31.0, 1.0),
            # Month end: Jan 31 - Feb 27 (28 days), change on Feb 14 -> 14 days left.
            (D(2026, 1, 31), D(2026, 2, 27), D(2026, 2, 14), 28.0, 14.0),
            # Leap year: Feb 2024 has 29 days; Feb 2025 has 28.
            (D(2024, 2, 1), D(2024, 2, 29), D(2024, 2, 15), 29.0, 15.0),
            (D(2025, 2, 1), D(2025, 2, 28), D(2025, 2, 15), 28.0, 14.0),
            # Yearly period across a leap day: 366 days.
            (D(2024, 1, 1), D(2024, 12, 31), D(2024, 12, 31), 366.0, 1.0),
            # Weekly: 7 days, change on the 4th day -> 4 days left.
            (D(2026, 3, 2), D(2026, 3, 8), D(2026, 3, 5), 70.0, 40.0),
            # Rounding half-up on cents: 10 * 1/3.
            (D(2026, 3, 2), D(2026, 3, 4), D(2026, 3, 4), 10.0, 3.33),
            (D(2026, 3, 2), D(2026, 3, 4), D(2026, 3, 3), 10.0, 6.67),
        ]
        for start, end, day, amount, expected in cases:
            with self.subTest(start=start, day=day, amount=amount):
                self.assertEqual(proration.unused_amount(amount, start, end, day), expected)
                used = proration.used_amount(amount, start, end, day)
                self.assertAlmostEqual(used + expected, amount, places=6)

    def test_day_outside_period_refused(self):
        for day in (D(2025, 12, 31), D(2026, 2, 1)):
            with self.subTest(day=day), self.assertRaises(ValueError):
                proration.unused_amount(10.0, D(2026, 1, 1), D(2026, 1, 31), day)

    def test_split_period(self):
        start, end = D(2026, 1, 31), D(2026, 2, 27)
        cases = [
            ([], [(start, end)]),
            ([start], [(start, end)]),
            ([D(2026, 2, 10)], [(start, D(2026, 2, 9)), (D(2026, 2, 10), end)]),
            (
                [D(2026, 2, 20), D(2026, 2, 10), D(2026, 2, 10)],
                [
                    (start, D(2026, 2, 9)),
                    (D(2026, 2, 10), D(2026, 2, 19)),
                    (D(2026, 2, 20), end),
                ],
            ),
            ([end], [(start, end - ONE_DAY), (end, end)]),
        ]
        for days, expected in cases:
            with self.subTest(days=days):
                self.assertEqual(proration.split_period(start, end, days), expected)

    def test_switching_twice_in_one_period(self):
        """30 → 60 on day 11 → 15 on day 21 of a 30-day period (April)."""
        start, end = D(2026, 4, 1), D(2026, 4, 30)
        lines = proration.bill_changes(
            start, end, 30.0, [(D(2026, 4, 11), 60.0), (D(2026, 4, 21), 15.0)]
        )
        self.assertEqual(
            [(line["credit"], line["charge"], line["net"]) for line in lines],
            [(20.0, 40.0, 20.0), (20.0, 5.0, -15.0)],
        )
        # 10 days at 30, 10 days at 60, 10 days at 15 = 10 + 20 + 5.
        billed = 30.0 + sum(line["net"] for line in lines)
        self.assertEqual(billed, 35.0)
        self.assertEqual(
            proration.time_weighted_total(
                start, end, 30.0, [(D(2026, 4, 11), 60.0), (D(2026, 4, 21), 15.0)]
            ),
            35,
        )

    def test_changes_out_of_order_refused(self):
        with self.assertRaises(ValueError):
            proration.bill_changes(
                D(2026, 4, 1), D(2026, 4, 30), 30.0, [(D(2026, 4, 20), 1.0), (D(2026, 4, 10), 2.0)]
            )

    def test_weekly_and_monthly_periods_from_the_schedule(self):
        """Proration on the periods of utils/periods: every period sums back to its amount."""
        for unit, interval in (("week", 1), ("week", 2), ("month", 1), ("year", 1)):
            for _index, first, last in periods.iter_periods(
                D(2024, 1, 31), unit, interval, count=5
            ):
                day = first
                while day <= last:
                    with self.subTest(unit=unit, first=first, day=day):
                        used = proration.used_amount(123.45, first, last, day)
                        unused = proration.unused_amount(123.45, first, last, day)
                        self.assertAlmostEqual(used + unused, 123.45, places=6)
                    day += timedelta(days=7 if unit != "week" else 1)


@unittest.skipIf(given is None, "hypothesis is not installed: property tests skipped")
class TestProrationProperties(BaseCase):
    if given is not None:
        amounts = st.decimals(min_value=0, max_value=10000, places=2).map(float)

        @settings(max_examples=200, deadline=None)
        @given(
            start=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)),
            unit=st.sampled_from(["day", "week", "month", "year"]),
            interval=st.integers(min_value=1, max_value=3),
            initial=amounts,
            data=st.data(),
        )
        def test_billed_total_is_the_time_weighted_sum(self, start, unit, interval, initial, data):
            first, last = periods.period_bounds(start, unit, interval, 0)
            length = (last - first).days
            offsets = sorted(
                data.draw(st.lists(st.integers(0, length), max_size=5), label="change offsets")
            )
            changes = [
                (first + timedelta(days=offset), data.draw(self.amounts, label="amount"))
                for offset in offsets
            ]
            exact = proration.time_weighted_total(first, last, initial, changes)
            # Exact arithmetic: the credits and charges add up to the weighted sum.
            exact_lines = proration.bill_changes(first, last, initial, changes, digits=None)
            self.assertEqual(Fraction(str(initial)) + sum(l["net"] for l in exact_lines), exact)
            # Rounded to cents: at most one cent per change away from it.
            lines = proration.bill_changes(first, last, initial, changes)
            billed = Fraction(str(initial)) + sum(Fraction(str(l["net"])) for l in lines)
            self.assertLessEqual(abs(billed - exact), Fraction(len(changes), 100) + Fraction(0))

        @settings(max_examples=200, deadline=None)
        @given(
            start=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)),
            unit=st.sampled_from(["day", "week", "month", "year"]),
            interval=st.integers(min_value=1, max_value=3),
            data=st.data(),
        )
        def test_segments_cover_each_day_once(self, start, unit, interval, data):
            first, last = periods.period_bounds(start, unit, interval, 0)
            length = (last - first).days
            offsets = data.draw(st.lists(st.integers(0, length), max_size=6))
            segments = proration.split_period(
                first, last, [first + timedelta(days=o) for o in offsets]
            )
            self.assertEqual(segments[0][0], first)
            self.assertEqual(segments[-1][1], last)
            for (_a, previous_last), (next_first, _b) in itertools.pairwise(segments):
                self.assertEqual(next_first, previous_last + ONE_DAY)  # no gap, no overlap
            self.assertEqual(sum((b - a).days + 1 for a, b in segments), length + 1)
