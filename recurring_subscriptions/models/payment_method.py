from odoo import models


class PaymentMethod(models.Model):
    _inherit = "payment.method"

    def _get_compatible_payment_methods(
        self, provider_ids, partner_id, currency_id=None, force_tokenization=False, **kwargs
    ):
        """Only methods that can be saved for orders that create subscriptions."""
        if not force_tokenization and kwargs.get("sale_order_id"):
            order = self.env["sale.order"].sudo().browse(kwargs["sale_order_id"]).exists()
            force_tokenization = bool(order.has_recurring_lines)
        return super()._get_compatible_payment_methods(
            provider_ids,
            partner_id,
            currency_id=currency_id,
            force_tokenization=force_tokenization,
            **kwargs,
        )
