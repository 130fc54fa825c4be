from odoo import models


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    def _is_tokenization_required(self, sale_order_id=None, **kwargs):
        """A sale order with recurring lines must save the card that pays it."""
        if sale_order_id:
            order = self.env["sale.order"].sudo().browse(sale_order_id).exists()
            if order.has_recurring_lines:
                return True
        return super()._is_tokenization_required(sale_order_id=sale_order_id, **kwargs)
