"""Billing period arithmetic on ``datetime.date`` values.

Every period is derived from the subscription anchor (``anchor + k * interval``),
never by adding one interval to the previous period, so month ends do not drift
(Jan 31, Feb 28, Mar 31, ... rather than Jan 31, Feb 28, Mar 28).
"""

import calendar
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

UNITS = ("day", "week", "month", "year")

_ONE_DAY = timedelta(days=1)
_DAYS_PER_UNIT = {"day": 1, "week": 7}
_MONTHS_PER_UNIT = {"month": 1, "year": 12}


def _check_unit(unit):
    if unit not in UNITS:
        raise ValueError(f"Unknown period unit {unit!r}, expected one of {UNITS}.")


def _check_interval(interval):
    if interval < 1:
        raise ValueError(f"Period interval must be at least 1, got {interval}.")


def add_interval(anchor, unit, count):
    """Return ``anchor`` shifted by ``count`` units (``count`` may be 0 or negative).

    Months and years clamp to the last day of the target month:
    Jan 31 + 1 month = Feb 28 (or 29), Jan 31 + 2 months = Mar 31.
    """
    _check_unit(unit)
    if unit in _DAYS_PER_UNIT:
        return anchor + timedelta(days=count * _DAYS_PER_UNIT[unit])
    months = anchor.year * 12 + anchor.month - 1 + count * _MONTHS_PER_UNIT[unit]
    year, month = divmod(months, 12)
    month += 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return anchor.replace(year=year, month=month, day=day)


def period_start(anchor, unit, interval, index):
    """Return the first day of period ``index`` (0-based) of a schedule."""
    _check_interval(interval)
    if index < 0:
        raise ValueError(f"Period index must be positive or zero, got {index}.")
    return add_interval(anchor, unit, interval * index)


def period_bounds(anchor, unit, interval, index):
    """Return ``(start, end)`` of period ``index``; ``end`` is inclusive."""
    start = period_start(anchor, unit, interval, index)
    return start, period_start(anchor, unit, interval, index + 1) - _ONE_DAY


def period_index_at(anchor, unit, interval, day):
    """Return the index of the period that contains ``day``.

    The index is estimated arithmetically, then corrected by a step or two.
    """
    _check_unit(unit)
    _check_interval(interval)
    if day < anchor:
        raise ValueError(f"Day {day} is before the schedule anchor {anchor}.")
    if unit in _DAYS_PER_UNIT:
        return (day - anchor).days // (_DAYS_PER_UNIT[unit] * interval)
    months = (day.year - anchor.year) * 12 + day.month - anchor.month
    index = max(months // (_MONTHS_PER_UNIT[unit] * interval), 0)
    while index > 0 and period_start(anchor, unit, interval, index) > day:
        index -= 1
    while period_start(anchor, unit, interval, index + 1) <= day:
        index += 1
    return index


def iter_periods(anchor, unit, interval, start_index=0, count=None, until=None):
    """Yield ``(index, start, end_inclusive)`` for consecutive periods.

    Starts at ``start_index``; stops after ``count`` periods and/or before the
    first period that starts after ``until`` (inclusive). Without either limit
    the generator is endless.
    """
    index = start_index
    start = period_start(anchor, unit, interval, index)
    while count is None or index < start_index + count:
        if until is not None and start > until:
            return
        next_start = period_start(anchor, unit, interval, index + 1)
        yield index, start, next_start - _ONE_DAY
        index, start = index + 1, next_start


def end_after_periods(anchor, unit, interval, count):
    """Return the inclusive last day of a schedule lasting ``count`` periods."""
    if count < 1:
        raise ValueError(f"A schedule lasts at least one period, got {count}.")
    return period_start(anchor, unit, interval, count) - _ONE_DAY


def trial_end(start, unit, count):
    """Return the first day after a trial of ``count`` units starting on ``start``."""
    if count < 0:
        raise ValueError(f"Trial length must be positive or zero, got {count}.")
    return add_interval(start, unit, count)


def proration_factor(period_start, period_end, from_day, to_day):
    """Return the share of the period covered by ``[from_day, to_day]``, in days.

    All bounds are inclusive. The result is a ``Fraction``: 0 without overlap,
    exactly 1 when the range covers the whole period.
    """
    if period_end < period_start:
        raise ValueError(f"Period end {period_end} is before its start {period_start}.")
    total = (period_end - period_start).days + 1
    covered = (min(to_day, period_end) - max(from_day, period_start)).days + 1
    return Fraction(max(covered, 0), total)


def prorate(amount, factor, digits=2):
    """Return ``amount * factor`` rounded half-up to ``digits`` decimals."""
    factor = Fraction(factor)
    with localcontext() as ctx:
        ctx.prec = 60
        value = Decimal(str(amount)) * factor.numerator / factor.denominator
        return float(value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
