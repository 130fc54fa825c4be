from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_credit import CreditCommon


@tagged("post_install", "-at_install")
class TestReservationLock(CreditCommon):
    """A resource reserved by a subscription line is exclusive, checked at every start."""

    def _reserving(self, start=date(2026, 5, 1), **values):
        return self._create_subscription(
            start=start,
            lines=[
                {
                    "product_id": self.product_desk.id,
                    "price_mode": "fixed",
                    "price_unit": 30.0,
                    "booking_resource_id": self.desk.id,
                }
            ],
            **values,
        )

    @freeze_time("2026-05-01")
    def test_two_drafts_reserving_the_same_desk_cannot_both_start(self):
        first = self._reserving()
        second = self._reserving()
        first.action_start()
        with self.assertRaises(ValidationError):
            second.action_start()
        self.assertEqual(second.state, "draft")

    @freeze_time("2026-05-01")
    def test_reopen_and_end_date_change_are_checked(self):
        first = self._reserving(end_date=date(2026, 6, 30))
        first.action_start()
        second = self._reserving(start=date(2026, 7, 1))
        second.action_start()
        with self.assertRaises(ValidationError):
            first.end_date = date(2026, 7, 31)
        first._action_close(self.env["recurring.close.reason"])
        third = self._reserving(end_date=date(2026, 6, 30))
        third.action_start()
        with self.assertRaises(ValidationError):
            first.action_reopen(date(2026, 5, 2))

    @freeze_time("2026-05-01")
    def test_start_locks_the_resource_row(self):
        sub = self._reserving()
        statements = []
        real_execute = type(self.env.cr).execute

        def spy(cr, query, params=None, log_exceptions=True):
            statements.append(str(query))
            return real_execute(cr, query, params, log_exceptions)

        with patch.object(type(self.env.cr), "execute", spy):
            sub.action_start()
        self.assertTrue(
            any("recurring_booking_resource" in s and "FOR NO KEY UPDATE" in s for s in statements)
        )
