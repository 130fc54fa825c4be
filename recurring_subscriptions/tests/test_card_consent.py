from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from .portal_common import PortalHttpMixin, RecurringPortalCommon


@tagged("post_install", "-at_install")
class TestPortalCardConsent(PortalHttpMixin, RecurringPortalCommon, HttpCase):
    """The portal shows the saved card of a plan that charges one, and what it is charged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.sub = cls._running_subscription(
            cls.today, plan=cls.plan_card, start=cls.today - timedelta(days=10)
        )

    def _page(self):
        self._login(self.portal_alice)
        response = self.url_open(f"/my/subscriptions/{self.sub.id}")
        self.assertEqual(response.status_code, 200)
        return " ".join(response.text.split())

    def test_saved_card_and_consent_are_shown(self):
        token = self._token()
        self.sub.payment_token_id = token
        page = self._page()
        self.assertIn(token.display_name, page)
        self.assertIn(
            "The saved card is charged $ 30.00 tax excl. monthly, next on "
            f"{format_date(self.env, self.sub.next_renewal_date)}, until you cancel.",
            page,
        )
        self.assertIn("You can cancel or pick another card on this page at any time.", page)

    def test_manual_plan_shows_no_card(self):
        sub = self._running_subscription(self.today, start=self.today - timedelta(days=3))
        self.assertFalse(sub._get_card_consent())
