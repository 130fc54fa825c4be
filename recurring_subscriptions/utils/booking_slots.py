"""Occupation of a bookable resource over time (no Odoo import).

Intervals are half-open, ``[start, stop)``: a booking ending at 10:00 and one
starting at 10:00 do not overlap.
"""


def overlaps(start, stop, other_start, other_stop):
    """True when ``[start, stop)`` and ``[other_start, other_stop)`` share a moment."""
    return start < other_stop and other_start < stop


def peak_usage(intervals, start, stop):
    """Largest number of ``intervals`` in use at the same moment within ``[start, stop)``.

    Two bookings at 9-10 and 11-12 both overlap 9-12 but never at once: the peak
    is 1, not 2.
    """
    if not start < stop:
        raise ValueError(f"An interval ends after it starts ({start} - {stop}).")
    events = []
    for other_start, other_stop in intervals:
        if not other_start < other_stop:
            raise ValueError(f"An interval ends after it starts ({other_start} - {other_stop}).")
        if overlaps(start, stop, other_start, other_stop):
            # Ends sort before starts at the same moment (half-open intervals).
            events.append((max(other_start, start), 1))
            events.append((min(other_stop, stop), -1))
    events.sort(key=lambda event: (event[0], event[1]))
    peak = current = 0
    for _moment, delta in events:
        current += delta
        peak = max(peak, current)
    return peak


def fits(intervals, start, stop, capacity):
    """True when one more booking on ``[start, stop)`` stays within ``capacity``."""
    if capacity < 1:
        return False
    return peak_usage(intervals, start, stop) + 1 <= capacity
