"""Stripe answers localstripe cannot give, mocked with the shape of Stripe's API.

Real Stripe refuses an off-session PaymentIntent that needs 3-D Secure with an HTTP 402
whose body is an error object carrying the PaymentIntent (localstripe answers
``requires_action`` instead). The values below are ours; the shape is that of
Stripe's error object (https://docs.stripe.com/api/errors).
"""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.payment_stripe.models.payment_provider import PaymentProvider

from .stripe_common import RecurringStripeCommon


def _card_error(code, decline_code, message, customer, payment_method):
    """The body of Stripe's answer to a refused off-session PaymentIntent."""
    error = {
        "type": "card_error",
        "code": code,
        "decline_code": decline_code,
        "doc_url": f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}",
        "message": message,
        "payment_method": {
            "id": payment_method,
            "object": "payment_method",
            "type": "card",
            "customer": customer,
            "card": {"brand": "visa", "last4": "3155", "exp_month": 12, "exp_year": 2030},
        },
    }
    return {
        "error": dict(
            error,
            payment_intent={
                "id": "pi_3RecurringMock0001",
                "object": "payment_intent",
                "amount": 3000,
                "currency": "usd",
                "customer": customer,
                "last_payment_error": error,
                "livemode": False,
                "next_action": None,
                "payment_method": None,
                "status": "requires_payment_method",
            },
        )
    }


@tagged("post_install", "-at_install")
class TestStripeAuthentication(RecurringStripeCommon):
    """Off-session refusals from Stripe, through payment_stripe's real flow."""

    def _charge_with_stripe_answer(self, answer):
        token = self._stripe_token()
        sub = self._card_subscription(token)
        calls = []

        def _stripe_make_request(provider, endpoint, payload=None, method="POST", **kwargs):
            calls.append((method, endpoint, payload, kwargs))
            self.assertEqual((method, endpoint), ("POST", "payment_intents"))
            return answer

        with patch.object(PaymentProvider, "_stripe_make_request", _stripe_make_request):
            self._run_cron()
        self.assertEqual(len(calls), 1)
        payload, options = calls[0][2], calls[0][3]
        self.assertEqual(
            (payload["customer"], payload["payment_method"], payload["off_session"]),
            (token.provider_ref, token.stripe_payment_method, True),
        )
        self.assertTrue(options["offline"], "the error comes back instead of being raised")
        return sub, sub.occurrence_ids.transaction_ids

    @freeze_time("2026-01-31 08:00")
    def test_authentication_required_ends_in_error_and_asks_the_customer(self):
        message = "Your card was declined. This transaction requires authentication."
        sub, tx = self._charge_with_stripe_answer(
            _card_error(
                "authentication_required", "authentication_required", message, "cus_A", "pm_1"
            )
        )
        self.assertEqual(tx.state, "error")
        self.assertIn(message, tx.state_message)
        self.assertEqual(tx.provider_reference, "pi_3RecurringMock0001")
        self.assertTrue(tx.recurring_needs_authentication)
        period = tx.recurring_occurrence_id
        self.assertEqual(sub.state, "past_due")
        self.assertTrue(period.payment_action_required, "the customer is asked to authenticate")
        self.assertFalse(period.next_payment_retry, "no retry loop against this card")

    @freeze_time("2026-01-31 08:00")
    def test_a_plain_decline_is_retried_not_sent_to_the_customer(self):
        message = "Your card has insufficient funds."
        sub, tx = self._charge_with_stripe_answer(
            _card_error("card_declined", "insufficient_funds", message, "cus_A", "pm_1")
        )
        self.assertEqual(tx.state, "error")
        self.assertIn(message, tx.state_message)
        self.assertFalse(tx.recurring_needs_authentication)
        period = tx.recurring_occurrence_id
        self.assertEqual(sub.state, "past_due")
        self.assertFalse(period.payment_action_required)
        self.assertTrue(period.next_payment_retry, "a declined card is retried on schedule")
