"""Plain tests for the reading of Stripe plans in ``utils/stripe_catalog.py``."""

from odoo.tests import BaseCase

from ..utils import stripe_catalog

PLAN = {
    "id": "plan_1",
    "object": "plan",
    "product": "prod_1",
    "amount": 2500,
    "currency": "usd",
    "interval": "month",
    "interval_count": 1,
    "trial_period_days": None,
    "usage_type": "licensed",
    "billing_scheme": "per_unit",
    "transform_usage": None,
    "created": 100,
}


class TestStripeCatalog(BaseCase):
    def test_unsupported_reason(self):
        cases = [
            ({}, None),
            ({"interval": "year", "interval_count": 2}, None),
            ({"usage_type": "metered"}, stripe_catalog.SKIP_METERED),
            ({"billing_scheme": "tiered", "amount": None}, stripe_catalog.SKIP_TIERED),
            ({"amount": None}, stripe_catalog.SKIP_TIERED),
            (
                {"transform_usage": {"divide_by": 10, "round": "up"}},
                stripe_catalog.SKIP_TRANSFORMED,
            ),
            ({"interval": "quarter"}, stripe_catalog.SKIP_INTERVAL),
            ({"interval_count": 0}, None),  # Stripe's default count is 1
            ({"interval_count": -1}, stripe_catalog.SKIP_INTERVAL),
            ({"amount": 0}, stripe_catalog.SKIP_FREE),
        ]
        for changes, expected in cases:
            with self.subTest(changes=changes):
                self.assertEqual(stripe_catalog.unsupported_reason(dict(PLAN, **changes)), expected)

    def test_plan_terms(self):
        cases = [
            ({}, ("month", 1, 0)),
            ({"interval": "week", "interval_count": 2}, ("week", 2, 0)),
            ({"interval": "year", "trial_period_days": 14}, ("year", 1, 14)),
            ({"interval": "day", "interval_count": None}, ("day", 1, 0)),
            # Form-encoded values (as localstripe stores updates) are read as numbers.
            ({"interval_count": "3", "trial_period_days": "7"}, ("month", 3, 7)),
        ]
        for changes, expected in cases:
            with self.subTest(changes=changes):
                self.assertEqual(stripe_catalog.plan_terms(dict(PLAN, **changes)), expected)

    def test_plans_by_product_takes_plain_and_expanded_products_oldest_first(self):
        newer = dict(PLAN, id="plan_2", created=200)
        older = dict(PLAN, id="plan_3", created=50, product={"id": "prod_1", "object": "product"})
        other = dict(PLAN, id="plan_4", product="prod_2")
        grouped = stripe_catalog.plans_by_product([newer, PLAN, other, older])
        self.assertEqual([p["id"] for p in grouped["prod_1"]], ["plan_3", "plan_1", "plan_2"])
        self.assertEqual([p["id"] for p in grouped["prod_2"]], ["plan_4"])

    def test_object_id(self):
        cases = [("prod_1", "prod_1"), ({"id": "prod_1"}, "prod_1"), (None, None), ("", None)]
        for value, expected in cases:
            with self.subTest(value=value):
                self.assertEqual(stripe_catalog.object_id(value), expected)
