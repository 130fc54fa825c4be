from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _stripe_create_customer(self):
        """Override of `payment_stripe` to reuse one Stripe customer per partner.

        Odoo creates a Stripe customer for every intent, so every saved card had its
        own. When the commercial partner already has an active Stripe token on this
        provider, that token's customer (``provider_ref``) is returned instead.

        Nothing has to be attached by hand: the customer goes into the SetupIntent
        (or the PaymentIntent with ``setup_future_usage``), Stripe attaches the new
        payment method to it when the intent succeeds, and the token that Odoo makes
        from the notification stores that customer and the new payment method.
        """
        return self._stripe_get_partner_customer() or super()._stripe_create_customer()

    def _stripe_get_partner_customer(self):
        """The Stripe customer of the partner's latest active token here, or None.

        The customer is read back from Stripe first: one that Stripe no longer has
        (deleted, or made with the keys of the other mode) is not reused.
        """
        self.ensure_one()
        token_sudo = (
            self.env["payment.token"]
            .sudo()
            .search(
                [
                    ("provider_id", "=", self.provider_id.id),
                    ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                    ("provider_ref", "!=", False),
                ],
                order="id desc",
                limit=1,
            )
        )
        if not token_sudo:
            return None
        # offline=True: an unknown customer comes back as Stripe's error instead of raising.
        customer = self.provider_id._stripe_make_request(
            f"customers/{token_sudo.provider_ref}", method="GET", offline=True
        )
        if customer.get("id") != token_sudo.provider_ref or customer.get("deleted"):
            return None
        return customer

    def _process_notification_data(self, notification_data):
        """Override of `payment_stripe` to flag renewal charges that need the customer.

        Off-session, Stripe refuses a payment that needs 3-D Secure with the code
        ``authentication_required`` (in the PaymentIntent's ``last_payment_error``,
        synchronously and in the ``payment_intent.payment_failed`` webhook): the
        transaction ends in error like a decline, and the flag tells the renewal
        engine to ask the customer instead of retrying the card.
        """
        super()._process_notification_data(notification_data)
        if self.provider_code != "stripe" or self.operation != "offline":
            return
        payment_intent = notification_data.get("payment_intent") or {}
        error = payment_intent.get("last_payment_error") or {}
        if payment_intent.get("status") == "requires_action" or "authentication_required" in (
            error.get("code"),
            error.get("decline_code"),
        ):
            self.recurring_needs_authentication = True
