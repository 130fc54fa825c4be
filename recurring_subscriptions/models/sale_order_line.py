from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    recurring_plan_id = fields.Many2one(
        "recurring.plan",
        string="Plan",
        compute="_compute_recurring_plan_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        domain="[('id', 'in', recurring_allowed_plan_ids)]",
    )
    recurring_allowed_plan_ids = fields.Many2many(
        related="product_template_id.recurring_plan_ids", string="Allowed Plans"
    )
    recurring_start_date = fields.Date(
        string="Subscription Start",
        help="Leave empty to start on the order date. A later start charges nothing today.",
    )
    recurring_end_date = fields.Date(string="Subscription End")
    recurring_period_count = fields.Integer(
        string="Number of Deliveries",
        help="Ends the subscription after this many periods (0: as the plan says).",
    )
    recurring_deferred = fields.Boolean(
        string="Nothing Due Today",
        compute="_compute_recurring_deferred",
        help="A free trial or a later start: the first period is charged by the renewal, "
        "not by this order.",
    )
    recurring_technical_discount = fields.Float(
        digits="Discount",
        copy=False,
        help="The discount last computed from the plan: a different discount was agreed "
        "by hand and survives quantity changes.",
    )
    recurring_price_unit = fields.Float(
        string="Price per Period",
        digits="Product Price",
        compute="_compute_recurring_price_unit",
        help="What each period will cost, even when nothing is due today.",
    )

    @api.depends("product_id")
    def _compute_recurring_plan_id(self):
        for line in self:
            template = line.product_id.product_tmpl_id
            if not template.recurring_ok:
                line.recurring_plan_id = False
            elif line.recurring_plan_id not in template.recurring_plan_ids:
                line.recurring_plan_id = template.recurring_plan_ids[:1]

    @api.depends(
        "recurring_plan_id",
        "recurring_start_date",
        "order_id.date_order",
        "order_id.recurring_subscription_id",
    )
    def _compute_recurring_deferred(self):
        for line in self:
            plan = line.recurring_plan_id
            order_day = fields.Date.context_today(line, line.order_id.date_order or None)
            # A renewal order bills its period: its trial is long over.
            line.recurring_deferred = (
                bool(plan)
                and not line.order_id.recurring_subscription_id
                and (
                    line._has_recurring_trial()
                    or bool(line.recurring_start_date and line.recurring_start_date > order_day)
                )
            )

    def _has_recurring_trial(self):
        """Whether the subscription of this line starts with the plan's free trial (not
        for a customer who already had it, when the plan allows one trial per customer)."""
        self.ensure_one()
        plan = self.recurring_plan_id
        return bool(plan) and plan._has_trial_for(self.order_id.partner_id)

    @api.depends("recurring_plan_id", "price_unit", "product_id", "product_uom")
    def _compute_recurring_price_unit(self):
        for line in self:
            if not line.recurring_plan_id:
                line.recurring_price_unit = 0.0
            elif line.recurring_deferred:
                line.recurring_price_unit = line._get_recurring_period_price()
            else:
                line.recurring_price_unit = line.price_unit

    @api.depends("recurring_plan_id", "recurring_start_date")
    def _compute_price_unit(self):
        return super()._compute_price_unit()

    @api.depends("recurring_plan_id")
    def _compute_discount(self):
        """The plan's discount, unless a discount was agreed by hand on this line
        (kept when the quantity changes, like Odoo keeps an edited price)."""
        force = self.env.context.get("force_price_recomputation")
        agreed = {
            line: line.discount
            for line in self
            if line.recurring_plan_id
            and not force
            and line._origin.id
            and float_compare(line.discount, line.recurring_technical_discount, 2)
        }
        result = super()._compute_discount()
        for line in self.filtered("recurring_plan_id"):
            if line in agreed:
                line.discount = agreed[line]
                continue
            row = line.product_template_id.recurring_product_plan_ids.filtered(
                lambda r, plan=line.recurring_plan_id: r.plan_id == plan
            )[:1]
            if row.discount:
                line.discount = row.discount
            line.recurring_technical_discount = line.discount
        return result

    def _add_precomputed_values(self, vals_list):
        result = super()._add_precomputed_values(vals_list)
        for vals in vals_list:
            if "discount" in vals and "recurring_technical_discount" not in vals:
                vals["recurring_technical_discount"] = vals["discount"]
        return result

    @api.constrains("recurring_start_date", "recurring_end_date", "recurring_period_count")
    def _check_recurring_dates(self):
        for line in self.filtered("recurring_plan_id"):
            start = line.recurring_start_date or fields.Date.context_today(
                line, line.order_id.date_order or None
            )
            if line.recurring_end_date and line.recurring_end_date < start:
                raise ValidationError(
                    self.env._(
                        "%(product)s: the subscription cannot end before it starts.",
                        product=line.product_id.display_name,
                    )
                )
            if line.recurring_period_count < 0:
                raise ValidationError(self.env._("The number of deliveries cannot be negative."))

    @api.constrains("product_uom_qty", "recurring_plan_id")
    def _check_recurring_max_quantity(self):
        SubLine = self.env["recurring.subscription.line"]
        limit = SubLine._get_max_quantity()
        for line in self.filtered("recurring_plan_id"):
            if line.product_uom_qty > limit:
                raise ValidationError(SubLine._get_max_quantity_message(line.product_id, limit))

    @api.constrains("recurring_plan_id", "product_id")
    def _check_recurring_plan(self):
        for line in self:
            template = line.product_id.product_tmpl_id
            if line.recurring_plan_id and line.recurring_plan_id not in template.recurring_plan_ids:
                raise ValidationError(
                    self.env._(
                        "The plan %(plan)s is not allowed for the product %(product)s.",
                        plan=line.recurring_plan_id.name,
                        product=line.product_id.display_name,
                    )
                )
            if (
                template.recurring_ok
                and not line.recurring_plan_id
                and not line.order_id.recurring_subscription_id
            ):
                raise ValidationError(
                    self.env._(
                        "Choose a plan for the recurring product %(product)s.",
                        product=line.product_id.display_name,
                    )
                )

    def _get_display_price(self):
        if self.recurring_deferred:
            return 0.0  # charged by the first renewal, after the trial or at the start
        return self._get_recurring_period_price()

    def _get_recurring_period_price(self):
        """Price of one period: the plan's fixed price, else the pricelist's."""
        self.ensure_one()
        if self.recurring_plan_id:
            row = self.product_template_id.recurring_product_plan_ids.filtered(
                lambda r: r.plan_id == self.recurring_plan_id
            )[:1]
            if row.fixed_price:
                price = row.currency_id._convert(
                    row.fixed_price,
                    self.currency_id or self.order_id.currency_id,
                    self.company_id or self.env.company,
                    fields.Date.context_today(self, self.order_id.date_order),
                )
                if self.product_uom and self.product_uom != self.product_id.uom_id:
                    price = self.product_id.uom_id._compute_price(price, self.product_uom)
                return price
        return super()._get_display_price()

    def _prepare_recurring_subscription_line_values(self):
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "sale_line_id": self.id,
            "name": self.name,
            "quantity": self.product_uom_qty,
            "product_uom_id": self.product_uom.id,
            "price_mode": "fixed",
            "price_unit": self.recurring_price_unit if self.recurring_deferred else self.price_unit,
            "discount": self.discount,
            "tax_ids": [fields.Command.set(self.tax_id.ids)],
        }

    def _get_recurring_subscription_key(self):
        """Lines with the same key make one subscription (plan, start, end, deliveries)."""
        self.ensure_one()
        return (
            self.recurring_plan_id.id,
            self.recurring_start_date or False,
            self.recurring_end_date or False,
            self.recurring_period_count or 0,
        )
