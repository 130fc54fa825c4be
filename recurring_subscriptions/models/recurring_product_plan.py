from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RecurringProductPlan(models.Model):
    """A frequency a recurring product may be bought with, and its optional price."""

    _name = "recurring.product.plan"
    _description = "Recurring Product Plan"
    _order = "product_tmpl_id, sequence, id"
    _rec_name = "plan_id"

    sequence = fields.Integer(default=10)
    product_tmpl_id = fields.Many2one(
        "product.template", required=True, ondelete="cascade", index=True
    )
    plan_id = fields.Many2one("recurring.plan", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="product_tmpl_id.company_id")
    currency_id = fields.Many2one(related="product_tmpl_id.currency_id")
    fixed_price = fields.Monetary(
        string="Price per Period",
        currency_field="currency_id",
        help="Leave empty to use the pricelist price.",
    )
    discount = fields.Float(string="Discount (%)", digits="Discount")

    _sql_constraints = [
        (
            "product_plan_unique",
            "UNIQUE(product_tmpl_id, plan_id)",
            "A plan is listed once per product.",
        ),
    ]

    @api.constrains("discount", "fixed_price")
    def _check_price(self):
        for row in self:
            if not 0 <= row.discount <= 100:
                raise ValidationError(self.env._("A plan discount must be between 0 and 100%."))
            if row.fixed_price < 0:
                raise ValidationError(self.env._("A plan price cannot be negative."))
