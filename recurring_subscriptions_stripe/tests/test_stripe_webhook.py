"""Stripe's webhook settles renewal payments that were still processing.

Odoo's ``/payment/stripe/webhook`` route updates the transaction; the payment
framework then post-processes it (the payment cron, called directly here), which
turns the outcome into the subscription's state. Events are signed the way Stripe
signs them (``Stripe-Signature: t=<timestamp>,v1=<HMAC-SHA256>``).
"""

import hashlib
import hmac
import json
import time
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.payment_stripe.models.payment_provider import PaymentProvider

from .stripe_common import RecurringStripeCommon

PAYMENT_INTENT_ID = "pi_3RecurringHook0001"


@tagged("post_install", "-at_install")
class TestStripeWebhook(RecurringStripeCommon, HttpCase):
    def _processing_renewal(self):
        """A renewal charged today whose PaymentIntent Stripe is still processing."""
        token = self._stripe_token()
        sub = self._card_subscription(token, start=fields.Date.context_today(self.env.user))
        processing = {
            "id": PAYMENT_INTENT_ID,
            "object": "payment_intent",
            "amount": 3000,
            "currency": self.currency.name.lower(),
            "customer": token.provider_ref,
            "payment_method": {
                "id": token.stripe_payment_method,
                "object": "payment_method",
                "type": "card",
                "card": {"brand": "visa", "last4": "4242"},
            },
            "status": "processing",
        }
        with patch.object(PaymentProvider, "_stripe_make_request", return_value=processing):
            self._run_cron()
        tx = sub.occurrence_ids.transaction_ids
        self.assertEqual((tx.state, tx.operation), ("pending", "offline"))
        self.assertEqual(tx.provider_reference, PAYMENT_INTENT_ID)
        self.assertTrue(tx.recurring_occurrence_id)
        return sub, tx

    def _event(self, tx, event_type, status, last_payment_error=None):
        return {
            "id": "evt_3RecurringHook0001",
            "object": "event",
            "api_version": "2019-05-16",
            "created": int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {
                "object": {
                    "id": PAYMENT_INTENT_ID,
                    "object": "payment_intent",
                    "amount": 3000,
                    "currency": tx.currency_id.name.lower(),
                    "customer": tx.token_id.provider_ref,
                    "description": tx.reference,
                    "last_payment_error": last_payment_error,
                    "payment_method": tx.token_id.stripe_payment_method,
                    "status": status,
                }
            },
        }

    def _post_event(self, event, secret=None):
        secret = secret or self.stripe.stripe_webhook_secret
        payload = json.dumps(event)
        timestamp = int(time.time())
        signature = hmac.new(
            secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
        ).hexdigest()
        response = self.url_open(
            "/payment/stripe/webhook",
            data=payload,
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": f"t={timestamp},v1={signature}",
            },
        )
        self.env.invalidate_all()
        return response

    def test_succeeded_webhook_pays_the_renewal_invoice(self):
        sub, tx = self._processing_renewal()
        self.assertEqual(sub.invoice_ids.payment_state, "not_paid")

        response = self._post_event(self._event(tx, "payment_intent.succeeded", "succeeded"))

        self.assertEqual(response.status_code, 200)
        self.assertEqual(tx.state, "done")
        tx._post_process()
        self.assertIn(sub.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(sub.state, "active")

    def test_payment_failed_webhook_makes_the_subscription_past_due(self):
        sub, tx = self._processing_renewal()
        error = {"code": "card_declined", "message": "Your card was declined."}

        response = self._post_event(
            self._event(tx, "payment_intent.payment_failed", "requires_payment_method", error)
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(tx.state, "error")
        self.assertEqual(tx.state_message, "Your card was declined.")
        self.assertFalse(tx.recurring_needs_authentication)
        tx._post_process()
        self.assertEqual(sub.state, "past_due")
        self.assertEqual(sub.invoice_ids.payment_state, "not_paid")

    def test_authentication_failure_webhook_flags_the_renewal(self):
        sub, tx = self._processing_renewal()
        error = {
            "code": "authentication_required",
            "decline_code": "authentication_required",
            "message": "Your card was declined. This transaction requires authentication.",
        }

        self._post_event(
            self._event(tx, "payment_intent.payment_failed", "requires_payment_method", error)
        )

        self.assertEqual(tx.state, "error")
        self.assertTrue(tx.recurring_needs_authentication)
        tx._post_process()
        self.assertEqual(sub.state, "past_due")
        self.assertTrue(tx.recurring_occurrence_id.payment_action_required)

    @mute_logger("odoo.addons.payment_stripe.controllers.main", "odoo.http", "werkzeug")
    def test_forged_signature_is_refused(self):
        sub, tx = self._processing_renewal()

        response = self._post_event(
            self._event(tx, "payment_intent.succeeded", "succeeded"),
            secret="whsec_forged000000000000000000000",
        )

        self.assertEqual(response.status_code, 403)
        self.assertEqual(tx.state, "pending", "the transaction is unchanged")
        self.assertEqual(sub.invoice_ids.payment_state, "not_paid")
