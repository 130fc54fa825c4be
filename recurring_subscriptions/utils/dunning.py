"""Dunning schedule: when a failed renewal payment is tried again (no Odoo import)."""

from datetime import timedelta


def next_retry(first_failure, retry_days, attempts_done, max_attempts):
    """The moment of the next charge attempt, or None when the schedule is over.

    :param first_failure: datetime of the first failed attempt
    :param retry_days: increasing day offsets after the first failure, e.g. [1, 3, 7]
    :param attempts_done: attempts made so far, the first one included (>= 1)
    :param max_attempts: total attempts allowed, the first one included
    """
    if attempts_done < 1:
        raise ValueError("at least the first attempt must have been made")
    retry_index = attempts_done - 1  # retries already made
    if attempts_done >= max_attempts or retry_index >= len(retry_days):
        return None
    return first_failure + timedelta(days=retry_days[retry_index])
