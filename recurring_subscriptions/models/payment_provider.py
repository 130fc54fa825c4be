from odoo import models


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    def _is_tokenization_required(self, sale_order_id=None, **kwargs):
        """A sale order with recurring lines must save the card that pays it."""
        if sale_order_id:
            order = self.env["sale.order"].sudo().browse(sale_order_id).exists()
            if order.has_recurring_lines:
                return True
        invoice_id = kwargs.get("invoice_id")
        if invoice_id:
            invoice = self.env["account.move"].sudo().browse(invoice_id).exists()
            if invoice.recurring_subscription_id.payment_mode == "request":
                return True  # the card saved pays the coming periods
        return super()._is_tokenization_required(sale_order_id=sale_order_id, **kwargs)
