from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RecurringSubscriptionOccurrenceLine(models.Model):
    """A one-off change of one coming period: the quantity of a product for that
    delivery only (0 leaves it out); the subscription lines stay as they are."""

    _name = "recurring.subscription.occurrence.line"
    _description = "One-off Change of a Subscription Period"
    _order = "occurrence_id, id"

    occurrence_id = fields.Many2one(
        "recurring.subscription.occurrence", required=True, ondelete="cascade", index=True
    )
    subscription_line_id = fields.Many2one(
        "recurring.subscription.line",
        ondelete="cascade",
        help="Empty for a product added to this delivery only.",
    )
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Float(digits="Product Unit of Measure", required=True)

    _sql_constraints = [
        (
            "product_unique",
            "UNIQUE(occurrence_id, product_id)",
            "A product appears once in the changes of a period.",
        ),
    ]

    @api.constrains("quantity")
    def _check_quantity(self):
        if any(line.quantity < 0 for line in self):
            raise ValidationError(self.env._("A quantity cannot be negative."))
