from datetime import date, datetime

from freezegun import freeze_time

from .common_credit import CreditCommon


@freeze_time("2026-03-02 08:00:00")
class TestTrialCredits(CreditCommon):
    """Members in their free trial get the credits the plan grants during the trial."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_coworking.write({"trial_interval": 14, "trial_unit": "day"})

    def _start(self):
        sub = self._coworking_subscription(start=date(2026, 3, 2))
        sub.action_start()
        self.assertEqual(sub.state, "trial")
        return sub

    def test_trial_member_gets_credits_and_can_book(self):
        self.plan_coworking.trial_grants_credits = True
        sub = self._start()
        self.assertEqual(self._balance(), 10.0)
        grant = sub.credit_entry_ids
        self.assertEqual(len(grant), 1)
        self.assertFalse(grant.occurrence_id)
        self.assertIn("free trial", grant.name)
        # Granted once: a pause and resume during the trial gives nothing more.
        sub.action_pause()
        sub.action_resume()
        self.assertEqual(sub.state, "trial")
        self.assertEqual(self._balance(), 10.0)
        booking = self._book(
            self.open_space, datetime(2026, 3, 5, 8, 0), datetime(2026, 3, 5, 12, 0)
        )
        booking.action_confirm()
        self.assertEqual(booking.state, "confirmed")
        self.assertEqual(self._balance(), 9.0)

    def test_no_trial_credits_unless_the_plan_says_so(self):
        self._start()
        self.assertEqual(self._balance(), 0.0)
