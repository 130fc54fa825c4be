from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RecurringPlanLine(models.Model):
    _name = "recurring.plan.line"
    _description = "Recurring Plan Template Line"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("recurring.plan", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", required=True, domain=[("sale_ok", "=", True)])
    name = fields.Text(string="Description")
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if (
                not line.product_uom_id
                or line.product_uom_id.category_id != line.product_id.uom_id.category_id
            ):
                line.product_uom_id = line.product_id.uom_id

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity < 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of %(product)s cannot be negative.",
                        product=line.product_id.display_name,
                    )
                )

    def _prepare_subscription_line_values(self):
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "name": self.name or False,
            "quantity": self.quantity,
            "product_uom_id": self.product_uom_id.id,
        }
