from datetime import datetime

from odoo.tests import BaseCase

from odoo.addons.recurring_subscriptions.utils.dunning import next_retry

FAILED = datetime(2026, 3, 1, 10, 0)


class TestDunningSchedule(BaseCase):
    """Plain tests for the retry schedule in ``utils/dunning.py``."""

    def test_next_retry_follows_the_schedule(self):
        cases = [
            (1, 4, datetime(2026, 3, 2, 10, 0)),  # first retry one day after the failure
            (2, 4, datetime(2026, 3, 4, 10, 0)),  # then 3 days after it
            (3, 4, datetime(2026, 3, 8, 10, 0)),  # then 7 days after it
            (4, 4, None),  # schedule exhausted
            (2, 2, None),  # max attempts reached before the schedule ends
            (1, 10, datetime(2026, 3, 2, 10, 0)),
            (4, 10, None),  # more attempts allowed than retry days listed
        ]
        for attempts_done, max_attempts, expected in cases:
            with self.subTest(attempts_done=attempts_done, max_attempts=max_attempts):
                self.assertEqual(
                    next_retry(FAILED, [1, 3, 7], attempts_done, max_attempts), expected
                )

    def test_no_retry_days_means_no_retry(self):
        self.assertIsNone(next_retry(FAILED, [], 1, 5))

    def test_first_attempt_must_exist(self):
        with self.assertRaises(ValueError):
            next_retry(FAILED, [1], 0, 3)
