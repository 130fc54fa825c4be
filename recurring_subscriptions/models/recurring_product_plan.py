from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


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
    price_source = fields.Selection(
        [("pricelist", "Pricelist"), ("fixed", "Fixed price")],
        string="Price",
        compute="_compute_price_source",
        store=True,
        readonly=False,
        help="Pricelist: the pricelist price at each renewal. Fixed price: the price per "
        "period below.",
    )

    _sql_constraints = [
        (
            "product_plan_unique",
            "UNIQUE(product_tmpl_id, plan_id)",
            "A plan is listed once per product.",
        ),
    ]

    @api.depends("fixed_price")
    def _compute_price_source(self):
        for row in self:
            row.price_source = "fixed" if row.fixed_price else "pricelist"

    @api.constrains("discount", "fixed_price")
    def _check_price(self):
        for row in self:
            if not 0 <= row.discount <= 100:
                raise ValidationError(self.env._("A plan discount must be between 0 and 100%."))
            if row.fixed_price < 0:
                raise ValidationError(self.env._("A plan price cannot be negative."))

    @api.onchange("price_source")
    def _onchange_price_source(self):
        if self.price_source == "pricelist":
            self.fixed_price = 0.0

    def write(self, vals):
        if vals.get("price_source") == "pricelist":
            vals["fixed_price"] = 0.0
        moved = self.filtered(
            lambda r: (
                ("plan_id" in vals and r.plan_id.id != vals["plan_id"])
                or ("product_tmpl_id" in vals and r.product_tmpl_id.id != vals["product_tmpl_id"])
            )
        )
        moved._check_not_used_by_live_subscriptions()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_by_live_subscriptions(self):
        self._check_not_used_by_live_subscriptions()

    def _check_not_used_by_live_subscriptions(self):
        """A plan that running subscriptions renew with stays on the product."""
        for row in self:
            used = (
                self.env["recurring.subscription.line"]
                .sudo()
                .search(
                    [
                        ("product_id.product_tmpl_id", "=", row.product_tmpl_id.id),
                        ("subscription_id.plan_id", "=", row.plan_id.id),
                        ("subscription_id.state", "!=", "closed"),
                    ],
                    limit=1,
                )
            )
            if used:
                raise UserError(
                    self.env._(
                        "The plan %(plan)s cannot be removed from %(product)s: the "
                        "subscription %(subscription)s renews with it. Close that "
                        "subscription or move it to another plan first.",
                        plan=row.plan_id.name,
                        product=row.product_tmpl_id.display_name,
                        subscription=used.subscription_id.name,
                    )
                )
