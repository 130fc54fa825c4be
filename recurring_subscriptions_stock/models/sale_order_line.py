from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    recurring_requested_qty = fields.Float(
        string="Subscribed Quantity",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Quantity of the subscription line when the renewal reduced it to the stock.",
    )
