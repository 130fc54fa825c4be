from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .portal_common import PortalHttpMixin, RecurringPortalCommon


@tagged("post_install", "-at_install")
class TestTaxDisplay(PortalHttpMixin, RecurringPortalCommon, HttpCase):
    """Portal and emails show the recurring amount with the company's tax display, and
    say which."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.tax_10 = cls.env["account.tax"].create(
            {"name": "VAT 10% (test)", "amount": 10.0, "type_tax_use": "sale"}
        )
        cls.sub = cls._running_subscription(cls.today, start=cls.today - timedelta(days=10))
        cls.sub.line_ids.tax_ids = [Command.set(cls.tax_10.ids)]

    def _portal_text(self):
        self._login(self.portal_alice)
        response = self.url_open(f"/my/subscriptions/{self.sub.id}")
        self.assertEqual(response.status_code, 200)
        return " ".join(response.text.split())

    def test_amounts_computed_with_taxes(self):
        self.assertEqual(self.sub.recurring_total, 30.0)
        self.assertAlmostEqual(self.sub.recurring_total_included, 33.0)

    def test_company_default_tax_excluded(self):
        self.assertEqual(self.sub.company_id.account_price_include, "tax_excluded")
        display = self.sub._get_recurring_amount_display()
        self.assertEqual((display["amount"], display["tax_label"]), (30.0, "tax excl."))
