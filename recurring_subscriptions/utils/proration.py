"""Day-exact proration of a billing period that changes while it runs.

A period ``[start, end]`` (both inclusive) is billed in full when it starts. A
change on day ``d`` (a quantity raised, a product added or removed, another
plan) bills the rest of the period ``[d, end]``: a credit for the unused part
at the old amount and a charge at the new amount. Each part is rounded once,
from the part already used (``[start, d - 1]``), so successive changes in one
period add up day by day: no day is billed twice, none is left out.

Built on :func:`periods.proration_factor` and :func:`periods.prorate`; amounts
are for the whole period, as on a renewal invoice. With ``digits=None`` the
results are exact ``Fraction`` values (used by the tests to check that the
rounded amounts stay within a cent per change of the exact time-weighted sum).
"""

from datetime import timedelta
from fractions import Fraction

from .periods import prorate, proration_factor

_ONE_DAY = timedelta(days=1)


def _check_day(period_start, period_end, day):
    if period_end < period_start:
        raise ValueError(f"Period end {period_end} is before its start {period_start}.")
    if not period_start <= day <= period_end:
        raise ValueError(f"Day {day} is outside the period {period_start} - {period_end}.")


def _round(amount, factor, digits):
    if digits is None:
        return Fraction(str(amount)) * Fraction(factor)
    return prorate(amount, factor, digits)


def days_left(period_start, period_end, day):
    """Days of the period from ``day`` to its end, ``day`` included."""
    _check_day(period_start, period_end, day)
    return (period_end - day).days + 1


def used_amount(amount, period_start, period_end, day, digits=2):
    """Part of ``amount`` (billed for the whole period) used before ``day``."""
    _check_day(period_start, period_end, day)
    factor = proration_factor(period_start, period_end, period_start, day - _ONE_DAY)
    return _round(amount, factor, digits)


def unused_amount(amount, period_start, period_end, day, digits=2):
    """Part of ``amount`` for ``[day, period_end]``: what a change on ``day`` credits
    (at the old amount) or charges (at the new amount)."""
    used = used_amount(amount, period_start, period_end, day, digits)
    if digits is None:
        return Fraction(str(amount)) - used
    return round(amount - used, digits)


def split_period(period_start, period_end, change_days):
    """The segments ``[(first, last)]`` (inclusive) of a period split on ``change_days``.

    A change day starts a new segment; the period start and repeated days add
    nothing. The segments cover every day of the period exactly once.
    """
    days = sorted({day for day in change_days if day != period_start})
    for day in days:
        _check_day(period_start, period_end, day)
    starts = [period_start, *days]
    ends = [day - _ONE_DAY for day in days] + [period_end]
    return list(zip(starts, ends, strict=True))


def bill_changes(period_start, period_end, initial_amount, changes, digits=2):
    """What each change of a period bills, the period being billed in full first.

    :param initial_amount: amount of the whole period before any change
    :param changes: ``[(day, new_amount)]`` in date order; two changes may fall
        on the same day (the later one wins)
    :return: a list of ``{"day", "credit", "charge", "net"}``, one per change
    """
    result = []
    current = initial_amount
    previous_day = period_start
    for day, new_amount in changes:
        _check_day(period_start, period_end, day)
        if day < previous_day:
            raise ValueError(f"Changes must be in date order: {day} comes after {previous_day}.")
        credit = unused_amount(current, period_start, period_end, day, digits)
        charge = unused_amount(new_amount, period_start, period_end, day, digits)
        net = charge - credit
        result.append(
            {
                "day": day,
                "credit": credit,
                "charge": charge,
                "net": net if digits is None else round(net, digits),
            }
        )
        current, previous_day = new_amount, day
    return result


def time_weighted_total(period_start, period_end, initial_amount, changes):
    """Exact amount of a period whose amount changes on the given days (a ``Fraction``).

    Each amount counts for the share of days it was in force.
    """
    total = Fraction(0)
    amounts = [initial_amount]
    days = []
    for day, amount in changes:
        if day == period_start or (days and days[-1] == day):
            amounts[-1] = amount
            continue
        days.append(day)
        amounts.append(amount)
    for (first, last), amount in zip(
        split_period(period_start, period_end, days), amounts, strict=True
    ):
        total += Fraction(str(amount)) * proration_factor(period_start, period_end, first, last)
    return total
