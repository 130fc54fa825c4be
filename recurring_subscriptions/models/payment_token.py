from odoo import fields, models


class PaymentToken(models.Model):
    _inherit = "payment.token"

    recurring_subscription_ids = fields.One2many(
        "recurring.subscription", "payment_token_id", string="Subscriptions"
    )
    recurring_card_expiry = fields.Date(
        string="Card Expiry",
        help="Last day the card can be charged, when the provider tells it (a provider "
        "bridge may fill it). Customers are asked for a new card before a charge it "
        "cannot pay.",
    )

    def get_linked_records_info(self):
        """List the running subscriptions this card pays (shown before archiving it)."""
        result = super().get_linked_records_info()
        subscriptions = self.sudo().recurring_subscription_ids.filtered(
            lambda s: s.state != "closed"
        )
        for sub in subscriptions:
            result.append(
                {
                    "description": self.env._("Subscription"),
                    "id": sub.id,
                    "name": sub.name,
                    "url": sub.access_url,
                }
            )
        return result

    def _handle_archiving(self):
        """Subscriptions paid by an archived card fall back to payment requests."""
        result = super()._handle_archiving()
        subscriptions = self.sudo().recurring_subscription_ids.filtered(
            lambda s: s.state != "closed"
        )
        if subscriptions:
            subscriptions._on_payment_token_removed()
        return result
