from datetime import datetime

from freezegun import freeze_time

from odoo.modules.module import get_module_path
from odoo.tests import BaseCase
from odoo.tools.translate import PoFileReader

from .common_credit import CreditCommon


class TestFrenchPlurals(BaseCase):
    """Counts have separate singular and plural sentences, translated as such."""

    def test_french_singular_and_plural(self):
        path = f"{get_module_path('recurring_subscriptions')}/i18n/fr.po"
        with open(path, "rb") as po_file:
            translations = {row["src"]: row["value"] for row in PoFileReader(po_file)}
        for source, expected in (
            ("1 missing", "1 manquant"),
            ("%(count)s missing", "%(count)s manquants"),
            ("1 delivery", "1 livraison"),
            ("%(count)s deliveries", "%(count)s livraisons"),
            ("1 period", "1 période"),
            ("%(count)s months", "%(count)s mois"),
        ):
            self.assertEqual(translations.get(source), expected, source)


class TestMissingCreditsWording(CreditCommon):
    @freeze_time("2026-03-02 08:00:00")
    def test_one_missing_credit_is_singular(self):
        # A half day costs 1 credit; Alice has none.
        quote = self.Booking._portal_get_quote(
            self.partner, self.open_space, datetime(2026, 3, 5, 8), datetime(2026, 3, 5, 12)
        )
        self.assertEqual(quote["missing"], 1.0)
        self.assertEqual(quote["missing_label"], "1 missing")
        quote = self.Booking._portal_get_quote(
            self.partner, self.open_space, datetime(2026, 3, 5, 8), datetime(2026, 3, 5, 17)
        )
        self.assertEqual(quote["missing_label"], "2 missing")
