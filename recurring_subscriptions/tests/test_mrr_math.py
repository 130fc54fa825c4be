"""Plain tests for the MRR arithmetic in ``utils/mrr.py``."""

from odoo.tests import BaseCase

from odoo.addons.recurring_subscriptions.utils import mrr

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a development dependency
    given = None


class TestMonthlyAmount(BaseCase):
    def test_normalisation_table(self):
        cases = [
            # (amount billed, unit, every n, monthly amount rounded to cents)
            (30.0, "month", 1, 30.0),
            (90.0, "month", 3, 30.0),  # quarterly
            (1200.0, "year", 1, 100.0),
            (1200.0, "year", 2, 50.0),
            (20.0, "week", 1, 86.67),  # 20 x 52 / 12
            (20.0, "week", 2, 43.33),
            (10.0, "day", 1, 304.38),  # 10 x 365.25 / 12
            (300.0, "day", 30, 304.38),  # every 30 days
            (0.0, "month", 1, 0.0),
        ]
        for amount, unit, interval, expected in cases:
            with self.subTest(amount=amount, unit=unit, interval=interval):
                self.assertEqual(round(mrr.monthly_amount(amount, unit, interval), 2), expected)

    def test_bad_recurrence_is_refused(self):
        for unit, interval in (("fortnight", 1), ("month", 0), ("week", -1)):
            with self.subTest(unit=unit, interval=interval), self.assertRaises(ValueError):
                mrr.monthly_factor(unit, interval)

    def test_a_year_of_any_recurrence_sums_to_twelve_months(self):
        # Billed every n units for a year = 12 x the monthly amount.
        for unit, periods_a_year in (("week", 52), ("month", 12), ("year", 1)):
            with self.subTest(unit=unit):
                self.assertAlmostEqual(
                    mrr.monthly_amount(10.0, unit, 1) * 12, 10.0 * periods_a_year
                )


class TestMovementType(BaseCase):
    def test_movement_table(self):
        cases = [
            # (old MRR, new MRR, had revenue before, type)
            (0.0, 30.0, False, "new"),
            (0.0, 30.0, True, "reactivation"),
            (30.0, 90.0, True, "expansion"),
            (90.0, 60.0, True, "contraction"),
            (60.0, 0.0, True, "churn"),
            (30.0, 30.0, True, None),
            (0.0, 0.0, False, None),
        ]
        for old, new, before, expected in cases:
            with self.subTest(old=old, new=new, before=before):
                self.assertEqual(mrr.movement_type(old, new, before), expected)

    def test_rates(self):
        self.assertEqual(mrr.churn_rate(1, 2), 50.0)
        self.assertEqual(mrr.churn_rate(5, 0), 0.0)
        self.assertEqual(mrr.arpu(180.0, 2), 90.0)
        self.assertEqual(mrr.arpu(180.0, 0), 0.0)


class TestMovementProperties(BaseCase):
    def test_movements_sum_to_the_last_mrr(self):
        if given is None:
            self.skipTest("hypothesis is not installed (pip install hypothesis)")

        @settings(max_examples=200, deadline=None)
        @given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=20))
        def check(values):
            logged, total, had = 0, 0, False
            for value in values:
                kind = mrr.movement_type(logged, value, had)
                if kind:
                    total += value - logged
                    self.assertEqual(kind == "new", not had and logged == 0)
                    had = had or value > 0
                logged = value
            self.assertEqual(total, values[-1])

        check()
