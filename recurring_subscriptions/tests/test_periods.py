"""Plain tests for the period arithmetic in ``utils/periods.py``."""

import calendar
import itertools
from datetime import date, timedelta
from fractions import Fraction

from odoo.tests import BaseCase

from odoo.addons.recurring_subscriptions.utils import periods

from .property_common import given, settings, skip_without_hypothesis, st

D = date
ONE_DAY = timedelta(days=1)
APRIL = (D(2025, 4, 1), D(2025, 4, 30))


class TestPeriods(BaseCase):
    def test_period_start(self):
        cases = [
            # Month ends clamp, then come back: no drift to the 28th.
            (D(2025, 1, 31), "month", 1, 0, D(2025, 1, 31)),
            (D(2025, 1, 31), "month", 1, 1, D(2025, 2, 28)),
            (D(2024, 1, 31), "month", 1, 1, D(2024, 2, 29)),
            (D(2025, 1, 31), "month", 1, 2, D(2025, 3, 31)),
            (D(2025, 1, 31), "month", 1, 3, D(2025, 4, 30)),
            # Leap day, yearly.
            (D(2024, 2, 29), "year", 1, 1, D(2025, 2, 28)),
            (D(2024, 2, 29), "year", 1, 4, D(2028, 2, 29)),
            # Every two weeks, every ten days, quarterly.
            (D(2025, 1, 1), "week", 2, 1, D(2025, 1, 15)),
            (D(2025, 1, 1), "week", 2, 3, D(2025, 2, 12)),
            (D(2025, 1, 1), "day", 10, 1, D(2025, 1, 11)),
            (D(2025, 1, 1), "day", 10, 6, D(2025, 3, 2)),
            (D(2025, 1, 31), "month", 3, 1, D(2025, 4, 30)),
            (D(2025, 1, 31), "month", 3, 2, D(2025, 7, 31)),
            (D(2025, 11, 30), "month", 3, 1, D(2026, 2, 28)),
        ]
        for anchor, unit, interval, index, expected in cases:
            with self.subTest(anchor=anchor, unit=unit, interval=interval, index=index):
                self.assertEqual(periods.period_start(anchor, unit, interval, index), expected)

    def test_add_interval(self):
        cases = [
            (D(2025, 1, 31), "month", 0, D(2025, 1, 31)),
            (D(2025, 3, 31), "month", -1, D(2025, 2, 28)),
            (D(2025, 1, 10), "day", -10, D(2024, 12, 31)),
            (D(2024, 2, 29), "year", -4, D(2020, 2, 29)),
            (D(2025, 12, 15), "month", 1, D(2026, 1, 15)),
        ]
        for anchor, unit, count, expected in cases:
            with self.subTest(anchor=anchor, unit=unit, count=count):
                self.assertEqual(periods.add_interval(anchor, unit, count), expected)

    def test_period_bounds_end_is_inclusive(self):
        cases = [
            (D(2025, 1, 31), "month", 1, 0, (D(2025, 1, 31), D(2025, 2, 27))),
            (D(2025, 1, 31), "month", 1, 1, (D(2025, 2, 28), D(2025, 3, 30))),
            (D(2025, 1, 1), "month", 1, 0, (D(2025, 1, 1), D(2025, 1, 31))),
            (D(2025, 1, 1), "week", 1, 0, (D(2025, 1, 1), D(2025, 1, 7))),
            (D(2025, 1, 1), "day", 1, 5, (D(2025, 1, 6), D(2025, 1, 6))),
            (D(2024, 1, 1), "year", 1, 0, (D(2024, 1, 1), D(2024, 12, 31))),
            (D(2025, 1, 1), "month", 3, 1, (D(2025, 4, 1), D(2025, 6, 30))),
        ]
        for anchor, unit, interval, index, expected in cases:
            with self.subTest(anchor=anchor, unit=unit, interval=interval, index=index):
                self.assertEqual(periods.period_bounds(anchor, unit, interval, index), expected)

    def test_period_index_at(self):
        cases = [
            (D(2025, 1, 31), "month", 1, D(2025, 1, 31), 0),  # first day
            (D(2025, 1, 31), "month", 1, D(2025, 2, 27), 0),  # last day
            (D(2025, 1, 31), "month", 1, D(2025, 2, 28), 1),  # next day
            (D(2025, 1, 31), "month", 1, D(2025, 3, 31), 2),
            (D(2025, 1, 15), "month", 1, D(2025, 3, 14), 1),
            (D(2024, 2, 29), "year", 1, D(2025, 2, 27), 0),
            (D(2024, 2, 29), "year", 1, D(2025, 2, 28), 1),
            (D(2025, 1, 1), "week", 2, D(2025, 1, 14), 0),
            (D(2025, 1, 1), "week", 2, D(2025, 1, 15), 1),
            (D(2025, 1, 1), "day", 10, D(2025, 1, 10), 0),
            (D(2025, 1, 1), "day", 10, D(2025, 1, 11), 1),
            (D(2025, 1, 1), "day", 1, D(2035, 1, 1), 3652),
        ]
        for anchor, unit, interval, day, expected in cases:
            with self.subTest(anchor=anchor, unit=unit, interval=interval, day=day):
                self.assertEqual(periods.period_index_at(anchor, unit, interval, day), expected)

    def test_iter_periods_count_and_until(self):
        anchor = D(2025, 1, 31)
        self.assertEqual(
            list(periods.iter_periods(anchor, "month", 1, count=3)),
            [
                (0, D(2025, 1, 31), D(2025, 2, 27)),
                (1, D(2025, 2, 28), D(2025, 3, 30)),
                (2, D(2025, 3, 31), D(2025, 4, 29)),
            ],
        )
        april_end = D(2025, 4, 30)
        found = periods.iter_periods(anchor, "month", 1, start_index=2, until=april_end)
        self.assertEqual([index for index, _start, _end in found], [2, 3])
        self.assertEqual(list(periods.iter_periods(anchor, "month", 1, count=0)), [])
        both = periods.iter_periods(anchor, "month", 1, count=5, until=D(2025, 3, 31))
        self.assertEqual(len(list(both)), 3)

    def test_end_after_periods(self):
        cases = [
            (D(2025, 1, 1), "month", 1, 1, D(2025, 1, 31)),
            (D(2025, 1, 31), "month", 1, 12, D(2026, 1, 30)),
            (D(2025, 1, 1), "year", 1, 2, D(2026, 12, 31)),
            (D(2025, 1, 1), "week", 2, 2, D(2025, 1, 28)),
        ]
        for anchor, unit, interval, count, expected in cases:
            with self.subTest(anchor=anchor, unit=unit, interval=interval, count=count):
                self.assertEqual(periods.end_after_periods(anchor, unit, interval, count), expected)

    def test_trial_end(self):
        cases = [
            (D(2025, 1, 1), "day", 14, D(2025, 1, 15)),
            (D(2025, 1, 31), "month", 1, D(2025, 2, 28)),
            (D(2025, 1, 1), "week", 0, D(2025, 1, 1)),
        ]
        for start, unit, count, expected in cases:
            with self.subTest(start=start, unit=unit, count=count):
                self.assertEqual(periods.trial_end(start, unit, count), expected)

    def test_proration_factor(self):
        cases = [
            (APRIL, Fraction(1)),  # whole period, exactly
            ((D(2025, 4, 16), D(2025, 4, 30)), Fraction(1, 2)),
            ((D(2025, 5, 1), D(2025, 5, 31)), Fraction(0)),  # after the period
            ((D(2025, 3, 1), D(2025, 3, 31)), Fraction(0)),  # before the period
            ((D(2025, 3, 1), D(2025, 4, 10)), Fraction(1, 3)),  # clipped at the start
            ((D(2025, 4, 21), D(2025, 6, 1)), Fraction(1, 3)),  # clipped at the end
            ((D(2025, 1, 1), D(2025, 12, 31)), Fraction(1)),
            ((D(2025, 4, 20), D(2025, 4, 10)), Fraction(0)),  # empty range
        ]
        for covered, expected in cases:
            with self.subTest(covered=covered):
                factor = periods.proration_factor(*APRIL, *covered)
                self.assertEqual(factor, expected)
                self.assertIsInstance(factor, Fraction)

    def test_prorate(self):
        cases = [
            (10, Fraction(1, 3), 2, 3.33),
            (20, Fraction(1, 3), 2, 6.67),
            (0.125, 1, 2, 0.13),
            (1.005, 1, 2, 1.01),
            (100, Fraction(1, 2), 0, 50.0),
            (99.99, Fraction(0), 2, 0.0),
            (10, Fraction(2, 3), 3, 6.667),
        ]
        for amount, factor, digits, expected in cases:
            with self.subTest(amount=amount, factor=factor, digits=digits):
                self.assertEqual(periods.prorate(amount, factor, digits), expected)

    def test_invalid_arguments(self):
        cases = [
            (periods.add_interval, (D(2025, 1, 1), "fortnight", 1)),
            (periods.period_start, (D(2025, 1, 1), "hour", 1, 0)),
            (periods.period_start, (D(2025, 1, 1), "month", 0, 1)),
            (periods.period_start, (D(2025, 1, 1), "month", 1, -1)),
            (periods.period_index_at, (D(2025, 1, 1), "month", 0, D(2025, 2, 1))),
            (periods.period_index_at, (D(2025, 1, 1), "month", 1, D(2024, 12, 31))),
            (periods.end_after_periods, (D(2025, 1, 1), "month", 1, 0)),
            (periods.trial_end, (D(2025, 1, 1), "day", -1)),
            (periods.proration_factor, (D(2025, 2, 1), D(2025, 1, 31), *APRIL)),
        ]
        for func, args in cases:
            with self.subTest(func=func, args=args):
                with self.assertRaises(ValueError):
                    func(*args)


# Property tests ------------------------------------------------------------

anchors = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))
units = st.sampled_from(periods.UNITS)
intervals = st.integers(min_value=1, max_value=24)


@skip_without_hypothesis
class TestPeriodsProperties(BaseCase):
    @settings(max_examples=200, deadline=None)
    @given(anchor=anchors, unit=units, interval=intervals)
    def test_periods_have_no_gap_and_no_overlap(self, anchor, unit, interval):
        found = list(periods.iter_periods(anchor, unit, interval, count=30))
        self.assertEqual(found[0][1], anchor)
        for (_i, start, end), (_j, next_start, _next_end) in itertools.pairwise(found):
            self.assertLessEqual(start, end)
            self.assertGreater(next_start, start)
            self.assertEqual(end + ONE_DAY, next_start)

    @settings(max_examples=200, deadline=None)
    @given(anchor=anchors, unit=st.sampled_from(("month", "year")), interval=intervals)
    def test_no_drift_over_ten_years(self, anchor, unit, interval):
        until = periods.add_interval(anchor, "year", 10)
        for _index, start, _end in periods.iter_periods(anchor, unit, interval, until=until):
            last_day = calendar.monthrange(start.year, start.month)[1]
            self.assertEqual(start.day, min(anchor.day, last_day))

    @settings(max_examples=200, deadline=None)
    @given(anchor=anchors, unit=units, interval=intervals, index=st.integers(0, 120))
    def test_period_index_at_inverts_period_bounds(self, anchor, unit, interval, index):
        start, end = periods.period_bounds(anchor, unit, interval, index)
        self.assertEqual(periods.period_index_at(anchor, unit, interval, start), index)
        self.assertEqual(periods.period_index_at(anchor, unit, interval, end), index)

    @settings(max_examples=200, deadline=None)
    @given(anchor=anchors, unit=units, interval=intervals, offset=st.integers(0, 3653))
    def test_period_index_at_finds_the_containing_period(self, anchor, unit, interval, offset):
        day = anchor + timedelta(days=offset)
        index = periods.period_index_at(anchor, unit, interval, day)
        start, end = periods.period_bounds(anchor, unit, interval, index)
        self.assertTrue(start <= day <= end)

    @settings(max_examples=200, deadline=None)
    @given(
        anchor=anchors,
        unit=units,
        interval=intervals,
        index=st.integers(0, 50),
        offset=st.integers(0, 10_000),
    )
    def test_proration_sums_to_one(self, anchor, unit, interval, index, offset):
        start, end = periods.period_bounds(anchor, unit, interval, index)
        self.assertEqual(periods.proration_factor(start, end, start, end), 1)
        split = start + timedelta(days=offset % ((end - start).days + 1))
        before = periods.proration_factor(start, end, start, split - ONE_DAY)
        after = periods.proration_factor(start, end, split, end)
        self.assertEqual(before + after, 1)
