from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .shop_common import RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopTaxDisplay(RecurringShopCommon, HttpCase):
    """The cart's future amounts follow the website's tax display, and say which."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax_15 = cls.env["account.tax"].create(
            {"name": "VAT 15% (test)", "amount": 15.0, "type_tax_use": "sale"}
        )
        cls.product_desk.taxes_id = [Command.set(cls.tax_15.ids)]

    def _then_rows(self):
        page = self._page_text(self.url_open("/shop/cart"))
        self.assertIn("Then:", page)
        return page[page.index("Then:") :]

    def test_tax_included_website(self):
        self.website.show_line_subtotals_tax_selection = "tax_included"
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        self.assertAlmostEqual(self._cart().amount_total, 230.0)
        rows = self._then_rows()
        self.assertIn("$ 230.00 tax incl.", rows)
        self.assertNotIn("$ 200.00", rows)

    def test_tax_excluded_website(self):
        self.website.show_line_subtotals_tax_selection = "tax_excluded"
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        rows = self._then_rows()
        self.assertIn("$ 200.00 tax excl.", rows)
