"""The e-shop with Stripe: needs `website_sale` too, so its bridge must be installed."""

import unittest
from unittest.mock import patch

from odoo import http
from odoo.modules.registry import Registry
from odoo.tests import HttpCase, get_db_name, tagged

from odoo.addons.payment_stripe.models.payment_provider import PaymentProvider as StripeProvider

from .stripe_common import RecurringStripeCommon

SHOP_BRIDGE = "website_sale_recurring_subscriptions"


class _NoShop:
    """Stands for the e-shop fixtures where the e-shop bridge is not deployed."""


def _shop_common():
    """The e-shop bridge's fixtures (a product page, a shopper, a cart), if deployed."""
    try:
        from odoo.addons.website_sale_recurring_subscriptions.tests import shop_common  # noqa: PLC0415
    except ImportError:
        return _NoShop
    return shop_common.RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopStripeValidation(_shop_common(), RecurringStripeCommon, HttpCase):
    """With Stripe, a cart with nothing due today saves the card with a SetupIntent."""

    @classmethod
    def setUpClass(cls):
        if SHOP_BRIDGE not in Registry(get_db_name())._init_modules:
            raise unittest.SkipTest(
                f"{SHOP_BRIDGE} is not installed (it comes with website_sale): "
                "no e-shop to pay with Stripe"
            )
        super().setUpClass()
        cls.stripe.is_published = True

    def test_nothing_due_today_creates_a_setup_intent_not_a_payment(self):
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_trial.id)
        cart = self._cart()
        requests = []

        def _stripe_make_request(provider, endpoint, payload=None, method="POST", **kwargs):
            requests.append(endpoint)
            if endpoint == "customers":
                return {"id": "cus_Shop001"}
            return {
                "id": "seti_Shop001",
                "object": "setup_intent",
                "client_secret": "seti_Shop001_secret",
                "status": "requires_payment_method",
            }

        with patch.object(StripeProvider, "_stripe_make_request", _stripe_make_request):
            processing = self.make_jsonrpc_request(
                f"/shop/payment/transaction/{cart.id}",
                {
                    "provider_id": self.stripe.id,
                    "payment_method_id": self.card.id,
                    "token_id": None,
                    "amount": 0.0,
                    "flow": "direct",
                    "tokenization_requested": False,
                    "landing_route": "/shop/payment/validate",
                    "is_validation": True,
                    "access_token": cart._portal_ensure_token(),
                    "csrf_token": http.Request.csrf_token(self),
                },
            )
        self.assertEqual(requests, ["customers", "setup_intents"], "no PaymentIntent")
        self.assertEqual(processing["client_secret"], "seti_Shop001_secret")
        tx = cart.transaction_ids
        self.assertEqual(tx.operation, "validation")
        self.assertTrue(tx.tokenize)
        self.assertEqual(tx.amount, 0.0)
