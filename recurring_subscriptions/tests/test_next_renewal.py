from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from .portal_common import PortalHttpMixin, RecurringPortalCommon


@tagged("post_install", "-at_install")
class TestNextRenewal(PortalHttpMixin, RecurringPortalCommon, HttpCase):
    """The next renewal shown everywhere is the next period that will really be billed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.sub = cls._running_subscription(cls.today, start=cls.today - timedelta(days=10))

    def _sidebar_text(self):
        self._login(self.portal_alice)
        response = self.url_open(f"/my/subscriptions/{self.sub.id}")
        self.assertEqual(response.status_code, 200)
        sidebar = html.fromstring(response.text).get_element_by_id("recurring_subscription_sidebar")
        return " ".join(sidebar.text_content().split()), response.text

    def test_skip_moves_the_next_renewal_everywhere(self):
        first, second = self._coming(self.sub)[:2]
        self.assertEqual(self.sub.next_renewal_date, first.period_start)
        self.sub.with_user(self.portal_alice)._portal_skip_period(first.id)
        # Back office "Next Renewal".
        self.assertEqual(self.sub.next_renewal_date, second.period_start)
        self.assertEqual(self.sub._fields["next_renewal_date"].string, "Next Renewal")
        # Confirmation email.
        email = self.sub.message_ids.filtered(
            lambda m: "Delivery of" in (m.body or "") and "Next renewal" in (m.body or "")
        )[:1]
        self.assertTrue(email, "the confirmation email gives the next renewal")
        self.assertIn(format_date(self.env, second.period_start), email.body)
        self.assertNotIn(f"Next renewal: {format_date(self.env, first.period_start)}", email.body)
        # Portal sidebar.
        sidebar, _page = self._sidebar_text()
        self.assertIn(format_date(self.env, second.period_start), sidebar)
        self.assertNotIn(format_date(self.env, first.period_start), sidebar)

    def test_cancel_at_period_end_has_no_next_renewal_nor_planned_periods(self):
        end = self.sub.next_date
        self.sub.with_user(self.portal_alice)._portal_cancel(
            self.reason_expensive.id, at_period_end=True
        )
        self.assertFalse(self.sub.next_renewal_date)
        self.assertEqual(self.sub.with_user(self.portal_alice)._portal_get_coming_periods(), [])
        sidebar, page = self._sidebar_text()
        self.assertNotIn("Next renewal", sidebar)
        self.assertIn("ends on", page)
        self.assertIn(format_date(self.env, end), page)
        self.assertEqual(page.count('name="skip"'), 0)
        self.assertNotIn("Coming deliveries", page)
        self.sub.with_user(self.portal_alice)._portal_undo_cancel()
        self.assertEqual(self.sub.next_renewal_date, end)

    def test_periods_after_the_end_date_are_not_planned(self):
        coming = self._coming(self.sub)
        self.assertGreaterEqual(len(coming), 3)
        self.sub.end_date = coming[1].period_end
        listed = [
            p["occurrence"]
            for p in self.sub.with_user(self.portal_alice)._portal_get_coming_periods()
        ]
        self.assertEqual(listed, list(coming[:2]))
        # Both left periods skipped: nothing will be billed any more.
        coming[:2].action_skip()
        self.assertFalse(self.sub.next_renewal_date)

    def test_paused_subscription_has_no_next_renewal(self):
        self.sub.action_pause()
        self.assertFalse(self.sub.next_renewal_date)
