"""Monthly recurring revenue arithmetic (no Odoo import).

Normalisation to one month, chosen once and used everywhere:

- ``month``: amount / n (every 3 months: a third);
- ``year``: amount / (12 n);
- ``week``: amount x 52 / 12 / n (52 weeks a year, as billing systems count them);
- ``day``: amount x 365.25 / 12 / n (the mean Gregorian month is 30.4375 days).

Amounts are exact ``Fraction`` products of the inputs; callers round to their
currency at the end, once.
"""

from fractions import Fraction

# Periods of one unit in a month.
PERIODS_PER_MONTH = {
    "day": Fraction(36525, 1200),  # 365.25 / 12
    "week": Fraction(52, 12),
    "month": Fraction(1),
    "year": Fraction(1, 12),
}

NEW = "new"
EXPANSION = "expansion"
CONTRACTION = "contraction"
CHURN = "churn"
REACTIVATION = "reactivation"
MOVEMENT_TYPES = (NEW, EXPANSION, CONTRACTION, CHURN, REACTIVATION)


def monthly_factor(unit, interval):
    """Factor turning the amount billed every ``interval`` ``unit`` into a monthly amount."""
    if unit not in PERIODS_PER_MONTH:
        raise ValueError(f"unknown billing unit {unit!r}")
    if not interval or interval < 1:
        raise ValueError("the billing interval must be at least 1")
    return PERIODS_PER_MONTH[unit] / interval


def monthly_amount(amount, unit, interval):
    """The monthly equivalent of ``amount`` billed every ``interval`` ``unit`` (a float)."""
    return float(Fraction(str(amount)) * monthly_factor(unit, interval))


def movement_type(old, new, had_revenue_before):
    """The kind of MRR movement from ``old`` to ``new`` (None when nothing moved).

    :param had_revenue_before: the subscription already had recurring revenue at some
        point before ``old`` (then going from 0 up again is a reactivation, not new).
    """
    if old == new:
        return None
    if not old:
        return REACTIVATION if had_revenue_before else NEW
    if not new:
        return CHURN
    return EXPANSION if new > old else CONTRACTION


def churn_rate(lost, base):
    """Share of ``base`` lost in a period, in percent (0 when there was no base)."""
    if not base:
        return 0.0
    return 100.0 * lost / base


def arpu(total_mrr, count):
    """Average revenue per (paying) subscription."""
    return total_mrr / count if count else 0.0
