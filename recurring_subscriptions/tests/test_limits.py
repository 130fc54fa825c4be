from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_credit import CreditCommon


@tagged("post_install", "-at_install")
class TestLimits(CreditCommon):
    """Item 19 of issue 9: bounded quantities and bookings, clear messages."""

    def test_back_office_refuses_absurd_quantities(self):
        sub = self._create_subscription()
        with self.assertRaises(ValidationError):
            sub.line_ids.quantity = 99_999_999_999
        sub.line_ids.quantity = 10_000  # the default maximum is allowed
        self.env["ir.config_parameter"].sudo().set_param(
            "recurring_subscriptions.max_quantity", "50"
        )
        with self.assertRaises(ValidationError):
            sub.line_ids.quantity = 51
        with self.assertRaises(ValidationError):
            self._create_order(
                [
                    {
                        "product_id": self.product_desk.id,
                        "recurring_plan_id": self.plan_monthly.id,
                        "product_uom_qty": 51,
                    }
                ]
            )

    def test_portal_huge_quantity_is_a_clear_message(self):
        portal = new_test_user(
            self.env,
            login="rs_limits_portal",
            groups="base.group_portal",
            partner_id=self.partner.id,
            name=self.partner.name,
            email=self.partner.email,
        )
        with freeze_time("2026-01-31"):
            sub = self._create_subscription()
            sub.action_start()
            for value in (1e308, float("inf"), float("nan")):
                with self.assertRaises(UserError, msg=value):
                    sub.with_user(portal)._portal_update_quantities({sub.line_ids.id: value})

    @freeze_time("2026-03-01 10:00:00")
    def test_free_resource_cannot_be_booked_for_a_year_or_too_far_ahead(self):
        free = self.env["recurring.booking.resource"].create(
            {"name": "Free corner", "resource_type": "desk", "capacity": 1}
        )
        self.assertTrue(free.max_booking_hours)
        self.assertTrue(free.booking_window_days)
        with self.assertRaises(ValidationError):
            self._book(free, datetime(2026, 3, 2, 8), datetime(2027, 3, 2, 8))
        with self.assertRaises(ValidationError):
            self._book(free, datetime(2028, 3, 2, 8), datetime(2028, 3, 2, 10))
        self._book(free, datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 12))
