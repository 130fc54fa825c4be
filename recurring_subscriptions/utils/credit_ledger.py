"""Credit ledger arithmetic: FIFO allocation, expiry, conversion and reversal.

Plain Python (no Odoo import). The ORM keeps the ledger itself
(``recurring.credit.entry``); this module decides *what* to write.

Vocabulary
    grant       a positive entry that holds a balance (``remaining``) until it
                expires; ``expiry`` is the last day it can be spent (inclusive),
                ``None`` means it never expires.
    allocation  ``(grant key, quantity)``: the part of a consumption taken from
                one grant.

Quantities are ``Decimal`` (inputs are converted with ``as_quantity``), so sums
and differences are exact: a balance is never ``-1e-16``.

Rules
    * A consumption is allocated FIFO by soonest expiry: the grant that expires
      first is spent first, grants that never expire last; on equal expiry the
      oldest grant goes first. Grants whose expiry is before the consumption day
      are not usable, even when the write-off has not run yet.
    * An expired grant's remainder is written off entirely.
    * A reversal (a cancelled booking) gives each allocation back to the grant
      it came from while that grant is still valid on the reversal day. When the
      grant has expired meanwhile, the quantity comes back as a *new grant*
      expiring on ``regrant_expiry`` (a short grace period chosen by the credit
      type): the customer keeps what the cancellation policy promised, and a
      grant that has been written off (or is about to be) is never revived.
    * Nothing ever makes a balance negative: those operations raise
      ``ValueError`` (``InsufficientCredits`` for a consumption larger than the
      usable balance).
"""

import math
from collections import namedtuple
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from . import periods

ZERO = Decimal(0)
# A conversion never looks at more than this many time steps (gcd of the units).
MAX_CONVERSION_STEPS = 500_000


class InsufficientCredits(ValueError):
    """A consumption asks for more than the usable balance."""

    def __init__(self, requested, available):
        self.requested = requested
        self.available = available
        super().__init__(f"Not enough credits: {requested} requested, {available} available.")


def as_quantity(value):
    """Return ``value`` as an exact, finite ``Decimal`` (floats go through ``str``)."""
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value))
        except (InvalidOperation, ValueError) as error:
            raise ValueError(f"Not a quantity: {value!r}") from error
    if not result.is_finite():
        raise ValueError(f"Not a finite quantity: {value!r}")
    return result


def format_quantity(value):
    """Shortest exact text of a quantity: 10.0 -> "10", 2.50 -> "2.5"."""
    text = format(as_quantity(value).normalize(), "f")
    return "0" if text in ("-0", "0") else text


@dataclass(frozen=True)
class Grant:
    """What the allocation needs to know about one grant.

    ``order`` breaks ties between grants with the same expiry: smaller is older
    (the ORM passes ``(grant date, id)``). ``quantity`` is the granted quantity;
    when given, a reversal never gives back more than was taken from the grant.
    """

    key: object
    remaining: Decimal
    expiry: date | None = None
    order: object = None
    quantity: Decimal | None = None

    def is_usable(self, on_date=None):
        return as_quantity(self.remaining) > 0 and not self.is_expired(on_date)

    def is_expired(self, on_date):
        return on_date is not None and self.expiry is not None and self.expiry < on_date


def fifo_order(grants):
    """Return ``grants`` sorted by soonest expiry (never-expiring last), oldest first."""

    def sort_key(grant):
        order = grant.order if grant.order is not None else grant.key
        return (grant.expiry is None, grant.expiry or date.max, order)

    return sorted(grants, key=sort_key)


def available(grants, on_date=None):
    """Usable balance of ``grants`` on ``on_date`` (every unexpired remainder)."""
    return sum((as_quantity(g.remaining) for g in grants if g.is_usable(on_date)), ZERO)


def allocate(grants, quantity, on_date=None):
    """Allocate a consumption of ``quantity`` over ``grants``, FIFO by soonest expiry.

    :return: list of ``(grant key, quantity)``, in spending order; the quantities
        add up to ``quantity`` and none exceeds its grant's remainder.
    :raise InsufficientCredits: when the usable balance is smaller than ``quantity``.
    """
    needed = as_quantity(quantity)
    if needed <= 0:
        raise ValueError(f"A consumption must be positive, got {quantity}.")
    usable = fifo_order(g for g in grants if g.is_usable(on_date))
    total = available(usable)
    if total < needed:
        raise InsufficientCredits(needed, total)
    allocations = []
    for grant in usable:
        take = min(as_quantity(grant.remaining), needed)
        allocations.append((grant.key, take))
        needed -= take
        if not needed:
            break
    return allocations


def expired_remainders(grants, today):
    """Remainders to write off on ``today``: grants whose last valid day is before it.

    :return: list of ``(grant key, quantity)`` (positive quantities to remove).
    """
    return [
        (grant.key, as_quantity(grant.remaining))
        for grant in fifo_order(grants)
        if grant.is_expired(today) and as_quantity(grant.remaining) > 0
    ]


def apply_movements(grants, movements):
    """Remainders of ``grants`` after signed ``movements`` ``(grant key, quantity)``.

    :return: dict ``{grant key: remaining}``
    :raise ValueError: for an unknown grant or a remainder that would become negative.
    """
    remaining = {grant.key: as_quantity(grant.remaining) for grant in grants}
    for key, quantity in movements:
        if key not in remaining:
            raise ValueError(f"Unknown grant {key!r}.")
        remaining[key] += as_quantity(quantity)
        if remaining[key] < 0:
            raise ValueError(f"Grant {key!r} would become negative ({remaining[key]}).")
    return remaining


def balance(quantities):
    """Sum of signed ledger quantities; a negative balance is an error."""
    total = sum((as_quantity(q) for q in quantities), ZERO)
    if total < 0:
        raise ValueError(f"A credit balance cannot be negative ({total}).")
    return total


Reversal = namedtuple("Reversal", "kind key quantity expiry")
"""One line of a reversal plan: ``kind`` is ``"restore"`` (give ``quantity`` back
to grant ``key``) or ``"regrant"`` (a new grant of ``quantity`` expiring on
``expiry``, replacing grant ``key`` that has expired)."""


def plan_reversal(allocations, grants, today, regrant_expiry):
    """How to give back a consumption made of ``allocations`` on ``today``.

    :param allocations: ``(grant key, quantity)`` pairs that were consumed
    :param grants: ``{grant key: Grant}`` for those keys, as they are now
    :param regrant_expiry: expiry of the new grant replacing an expired one
        (``None``: never expires)
    :return: list of ``Reversal``, one per allocation, same total quantity
    """
    plan = []
    restored = {}
    for key, quantity in allocations:
        quantity = as_quantity(quantity)
        if quantity <= 0:
            raise ValueError(f"An allocation must be positive, got {quantity}.")
        if key not in grants:
            raise ValueError(f"Unknown grant {key!r}.")
        grant = grants[key]
        if grant.is_expired(today):
            plan.append(Reversal("regrant", key, quantity, regrant_expiry))
            continue
        restored[key] = restored.get(key, ZERO) + quantity
        if grant.quantity is not None and as_quantity(grant.remaining) + restored[
            key
        ] > as_quantity(grant.quantity):
            raise ValueError(f"Grant {key!r} cannot get back more than was taken from it.")
        plan.append(Reversal("restore", key, quantity, grant.expiry))
    return plan


def expiry_date(granted_on, unit, count):
    """Last valid day of a grant made on ``granted_on`` and valid ``count`` units.

    ``count`` 0 means the grant never expires (``None``). Valid one month from
    Jan 31 means usable through Feb 27 (Feb 28 is the first day it is gone).
    """
    if count < 0:
        raise ValueError(f"A validity cannot be negative, got {count}.")
    if not count:
        return None
    return periods.add_interval(granted_on, unit, count) - timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """A booking unit of ``minutes`` that costs ``credits``."""

    minutes: int
    credits: Decimal


def credit_cost(minutes, rules):
    """Cheapest number of credits covering a booking of ``minutes``.

    Units can be combined (a day and a half-day for 12 hours); a unit started is
    a unit due (50 minutes with an hourly unit cost one hour). The result is never
    more than what any single unit would cost.

    :param rules: iterable of ``Rule`` (or ``(minutes, credits)`` pairs)
    """
    if minutes <= 0:
        raise ValueError(f"A booking lasts more than zero minutes, got {minutes}.")
    rules = [Rule(int(r[0]), as_quantity(r[1])) if not isinstance(r, Rule) else r for r in rules]
    if not rules:
        raise ValueError("No conversion rule.")
    for rule in rules:
        if rule.minutes <= 0 or as_quantity(rule.credits) < 0:
            raise ValueError(f"Invalid conversion rule {rule}.")
    step = 0
    for rule in rules:
        step = math.gcd(step, rule.minutes)
    needed = -(-math.ceil(minutes) // step)
    if needed > MAX_CONVERSION_STEPS:
        raise ValueError(f"Booking too long to convert ({minutes} minutes).")
    units = [(rule.minutes // step, as_quantity(rule.credits)) for rule in rules]
    # best[i]: cheapest cost covering at least i steps.
    best = [ZERO] * (needed + 1)
    for i in range(1, needed + 1):
        best[i] = min(best[max(i - length, 0)] + credits for length, credits in units)
    return best[needed]
