from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tools import is_html_empty


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
    # Stripe: set by the Stripe import wizard (recurring.stripe.import.wizard)
    # ------------------------------------------------------------------

    stripe_product_id = fields.Char(
        string="Stripe Product ID",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Id of the Stripe product this product was imported from; re-importing "
        "updates this product instead of creating another one.",
    )

    # ------------------------------------------------------------------
    # Website (e-shop): the plans offered on the product page
    # ------------------------------------------------------------------

    def _get_recurring_shop_plan_options(self, website, product=None):
        """The plans a shopper may choose on this product's page, with their prices.

        Prices are per period, in the website's currency and pricelist, with or without
        taxes as the website shows prices.

        :param website: the current ``website``
        :param product: the variant shown (default: the first one)
        :return: list of dicts with ``plan``, ``price`` (after the plan's discount),
            ``price_before_discount``, ``discount`` (%), ``currency``, ``trial_label``
            (or False) and ``terms`` (the plan's terms, or False)
        """
        self.ensure_one()
        product = product or self.product_variant_id
        currency = website.currency_id
        company = website.company_id
        product_taxes = self.sudo().taxes_id._filter_taxes_by_company(company)
        taxes = website.fiscal_position_id.sudo().map_tax(product_taxes)
        units = dict(
            self.env["recurring.plan"]._fields["trial_unit"]._description_selection(self.env)
        )
        options = []
        for row in self.sudo().recurring_product_plan_ids.filtered("plan_id.active"):
            plan = row.plan_id
            price, discount = self._get_recurring_price(
                plan,
                product=product,
                pricelist=website.pricelist_id,
                currency=currency,
                company=company,
            )
            price = self._apply_taxes_to_price(
                price, currency, product_taxes, taxes, product, website=website
            )
            trial_label = plan.trial_interval and self.env._(
                "Free trial: %(count)s %(unit)s",
                count=plan.trial_interval,
                unit=units.get(plan.trial_unit, "").lower(),
            )
            options.append(
                {
                    "plan": plan,
                    "price": currency.round(price * (1.0 - discount / 100.0)),
                    "price_before_discount": price,
                    "discount": discount,
                    "currency": currency,
                    "trial_label": trial_label or False,
                    "terms": False if is_html_empty(plan.terms) else plan.terms,
                }
            )
        return options

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
