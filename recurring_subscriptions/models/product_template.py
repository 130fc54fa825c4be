from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command


class ProductTemplate(models.Model):
    _inherit = "product.template"

    recurring_ok = fields.Boolean(
        string="Recurring",
        help="Sold as a subscription: a sale order line for this product needs a plan, "
        "and confirming the order creates a subscription.",
    )
    recurring_product_plan_ids = fields.One2many(
        "recurring.product.plan", "product_tmpl_id", string="Plans and Prices", copy=True
    )
    recurring_plan_ids = fields.Many2many(
        "recurring.plan",
        string="Plans",
        compute="_compute_recurring_plan_ids",
        inverse="_inverse_recurring_plan_ids",
        search="_search_recurring_plan_ids",
        help="The frequencies a customer may choose for this product.",
    )

    @api.depends("recurring_product_plan_ids.plan_id")
    def _compute_recurring_plan_ids(self):
        for template in self:
            template.recurring_plan_ids = template.recurring_product_plan_ids.plan_id

    def _inverse_recurring_plan_ids(self):
        for template in self:
            rows = template.recurring_product_plan_ids
            missing = template.recurring_plan_ids - rows.plan_id
            rows.filtered(lambda r, t=template: r.plan_id not in t.recurring_plan_ids).unlink()
            self.env["recurring.product.plan"].create(
                [{"product_tmpl_id": template.id, "plan_id": plan.id} for plan in missing]
            )
        self._check_recurring_plans()

    @api.model_create_multi
    def create(self, vals_list):
        # Plans given as ``recurring_plan_ids`` (imports, RPC) become rows before the
        # "at least one plan" constraint is checked.
        for vals in vals_list:
            if "recurring_plan_ids" in vals and "recurring_product_plan_ids" not in vals:
                plans = self.new({"recurring_plan_ids": vals.pop("recurring_plan_ids")})
                vals["recurring_product_plan_ids"] = [
                    Command.create({"plan_id": plan.id})
                    for plan in plans.recurring_plan_ids._origin
                ]
        return super().create(vals_list)

    def _search_recurring_plan_ids(self, operator, value):
        return [("recurring_product_plan_ids.plan_id", operator, value)]

    @api.constrains("recurring_ok", "recurring_product_plan_ids")
    def _check_recurring_plans(self):
        for template in self:
            if template.recurring_ok and not template.recurring_product_plan_ids:
                raise ValidationError(
                    self.env._(
                        "The recurring product %(product)s needs at least one plan.",
                        product=template.display_name,
                    )
                )

    def _get_recurring_price(
        self,
        plan,
        product=None,
        pricelist=None,
        quantity=1.0,
        uom=None,
        date=None,
        currency=None,
        company=None,
    ):
        """Unit price and discount of this product sold with ``plan``.

        The plan's fixed price (if any) replaces the pricelist price; the plan's
        discount is applied on top.

        :return: (price_unit, discount)
        """
        self.ensure_one()
        product = product or self.product_variant_id
        company = company or self.env.company
        currency = currency or (pricelist.currency_id if pricelist else company.currency_id)
        date = date or fields.Date.context_today(self)
        row = self.recurring_product_plan_ids.filtered(lambda r: r.plan_id == plan)[:1]
        if row and row.fixed_price:
            price = row.currency_id._convert(row.fixed_price, currency, company, date)
            if uom and uom != product.uom_id:
                price = product.uom_id._compute_price(price, uom)
        else:
            pricelist = pricelist or self.env["product.pricelist"]
            price = pricelist._get_product_price(
                product, quantity, currency=currency, uom=uom or product.uom_id, date=date
            )
        return price, row.discount if row else 0.0

    # ------------------------------------------------------------------
    # Credit packs: products whose paid invoice grants booking credits
    # ------------------------------------------------------------------

    recurring_credit_pack = fields.Boolean(
        string="Credit Pack",
        help="Paying an invoice of this product grants credits to the customer "
        "(quantity invoiced x credits per pack).",
    )
    recurring_credit_type_id = fields.Many2one(
        "recurring.credit.type", string="Credit Type", check_company=True
    )
    recurring_credit_quantity = fields.Float(string="Credits per Pack", digits=(16, 2), default=1.0)

    @api.constrains(
        "recurring_credit_pack", "recurring_credit_type_id", "recurring_credit_quantity"
    )
    def _check_recurring_credit_pack(self):
        for template in self.filtered("recurring_credit_pack"):
            if not template.recurring_credit_type_id or template.recurring_credit_quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "The credit pack %(product)s needs a credit type and a positive "
                        "number of credits.",
                        product=template.display_name,
                    )
                )
