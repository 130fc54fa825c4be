from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RecurringPlan(models.Model):
    """What may change on a running subscription of this plan, and its introductory price."""

    _inherit = "recurring.plan"

    switch_plan_ids = fields.Many2many(
        "recurring.plan",
        "recurring_plan_switch_rel",
        "plan_id",
        "target_plan_id",
        string="Plans to Switch To",
        help="Plans a subscription of this plan may switch to (any recurrence).",
    )
    customer_can_switch_plan = fields.Boolean(
        string="Customers May Switch Plan",
        help="Customers may switch to one of the plans listed here from the portal.",
    )
    customer_can_upsell = fields.Boolean(
        string="Customers May Order More",
        help="Customers may raise quantities and add products from the portal; the rest "
        "of the current period is billed at once.",
    )
    addable_product_ids = fields.Many2many(
        "product.product",
        "recurring_plan_addable_product_rel",
        "plan_id",
        "product_id",
        string="Products Customers May Add",
        help="Empty: the products of the template lines and of the plan's product prices.",
    )
    customer_can_edit_period = fields.Boolean(
        string="Customers May Edit One Delivery",
        default=True,
        help="Customers may change the quantities of one coming delivery only.",
    )
    max_pause_days = fields.Integer(
        string="Maximum Pause (days)",
        help="Longest pause with a resume date; 0 means no limit.",
    )
    intro_discount = fields.Float(
        string="Introductory Discount (%)",
        digits="Discount",
        help="Discount on the first periods of every new subscription of this plan.",
    )
    intro_periods = fields.Integer(
        string="Introductory Periods", help="How many periods get the introductory discount."
    )

    _sql_constraints = [
        ("max_pause_days_positive", "CHECK(max_pause_days >= 0)", "A pause cannot be negative."),
    ]

    @api.constrains("intro_discount", "intro_periods")
    def _check_intro_discount(self):
        for plan in self:
            if not 0 <= plan.intro_discount <= 100 or plan.intro_periods < 0:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: the introductory discount must be between 0 and 100%% "
                        "and last a positive number of periods.",
                        plan=plan.name,
                    )
                )
            if plan.intro_discount and not plan.intro_periods:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: say for how many periods the introductory discount "
                        "applies.",
                        plan=plan.name,
                    )
                )

    @api.constrains("switch_plan_ids")
    def _check_switch_plan_ids(self):
        for plan in self:
            if plan in plan.switch_plan_ids:
                raise ValidationError(
                    self.env._("Plan %(plan)s cannot switch to itself.", plan=plan.name)
                )

    def _get_addable_products(self):
        """Products a customer may add to a subscription of this plan."""
        self.ensure_one()
        if self.addable_product_ids:
            return self.addable_product_ids
        return self.line_ids.product_id | self.product_plan_ids.product_tmpl_id.product_variant_ids
