from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import TourMixin
from .portal_common import RecurringPortalCommon


@tagged("post_install", "-at_install")
class TestPortalTour(TourMixin, RecurringPortalCommon, HttpCase):
    """Tour (b): in the portal, a customer skips a delivery, pauses, then cancels at
    the end of the period. Real dates: freezegun and the browser do not mix."""

    def test_tour_skip_pause_cancel_at_period_end(self):
        today = fields.Date.today()
        sub = self._running_subscription(today, start=today - timedelta(days=10))
        second = self._coming(sub)[1]
        # start_tour logs in with the login as password.
        self.portal_alice.password = self.portal_alice.login

        self._start_tour_or_fail(
            "/my/subscriptions", "recurring_portal_skip_pause_cancel", self.portal_alice.login
        )

        self.env.invalidate_all()
        self.assertEqual(second.state, "skipped")
        self.assertEqual(sub.state, "paused")
        self.assertTrue(sub.cancel_at_period_end)
        self.assertEqual(sub.close_reason_id, self.reason_expensive)
        for text in ("skipped.", "Subscription paused", "Cancellation scheduled"):
            self.assertShopTold(sub, text)
            self.assertCustomerTold(sub, self.partner, text)
