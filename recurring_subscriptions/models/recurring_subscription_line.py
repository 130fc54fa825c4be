from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, formatLang

from ..const import DEFAULT_MAX_QUANTITY


class RecurringSubscriptionLine(models.Model):
    _name = "recurring.subscription.line"
    _description = "Subscription Line"
    _order = "subscription_id, sequence, id"
    _check_company_auto = True

    subscription_id = fields.Many2one(
        "recurring.subscription", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="subscription_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="subscription_id.currency_id")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain=[("sale_ok", "=", True)],
    )
    name = fields.Text(
        string="Description", compute="_compute_name", store=True, readonly=False, precompute=True
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    price_mode = fields.Selection(
        [("pricelist", "From pricelist at each renewal"), ("fixed", "Fixed price")],
        default="pricelist",
        required=True,
    )
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    discount = fields.Float(
        string="Discount (%)",
        digits="Discount",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        compute="_compute_tax_ids",
        store=True,
        readonly=False,
        check_company=True,
        domain=[("type_tax_use", "=", "sale")],
    )
    price_subtotal = fields.Monetary(compute="_compute_price_subtotal", string="Subtotal")

    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Source Order Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The order line this line was made from: its invoice lines are this "
        "subscription's, even when the order made other subscriptions too.",
    )

    # Bookings: a resource reserved for the whole subscription (a dedicated desk)
    booking_resource_id = fields.Many2one(
        "recurring.booking.resource",
        string="Reserved Resource",
        check_company=True,
        index="btree_not_null",
        help="Reserved for this subscription from its start to its end: nobody else can "
        "book it meanwhile.",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id and not line.name:
                line.name = line.product_id.get_product_multiline_description_sale()

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            uom = line.product_id.uom_id
            if not line.product_uom_id or line.product_uom_id.category_id != uom.category_id:
                line.product_uom_id = uom

    @api.depends(
        "product_id",
        "product_uom_id",
        "subscription_id.pricelist_id",
        "subscription_id.plan_id",
    )
    def _compute_price_unit(self):
        """Only a product, unit, plan or pricelist change reprices a line: a quantity
        change keeps the price and discount agreed with the customer."""
        for line in self:
            if not line.product_id:
                line.price_unit = line.discount = 0.0
                continue
            price, discount = line._get_renewal_price(fields.Date.context_today(line))
            line.price_unit = price
            line.discount = discount

    @api.depends("product_id", "subscription_id.fiscal_position_id")
    def _compute_tax_ids(self):
        for line in self:
            company = line.subscription_id.company_id or line.env.company
            taxes = line.product_id.taxes_id.filtered(
                lambda tax, company=company: tax.company_id in company.parent_ids
            )
            line.tax_ids = line.subscription_id.fiscal_position_id.map_tax(taxes)

    @api.depends("quantity", "price_unit", "discount", "tax_ids")
    def _compute_price_subtotal(self):
        for line in self:
            price = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
            if line.tax_ids:
                # Tax-included prices: the subtotal is the untaxed amount.
                line.price_subtotal = line.tax_ids.compute_all(
                    price,
                    currency=line.currency_id or None,
                    quantity=line.quantity,
                    product=line.product_id,
                    partner=line.subscription_id.partner_id,
                )["total_excluded"]
            else:
                line.price_subtotal = line.quantity * price

    @api.constrains("quantity", "discount", "product_id")
    def _check_line(self):
        for line in self:
            if line.quantity < 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of %(product)s cannot be negative.",
                        product=line.product_id.display_name,
                    )
                )
            if not 0 <= line.discount <= 100:
                raise ValidationError(self.env._("A discount must be between 0 and 100%."))

    @api.constrains("quantity")
    def _check_max_quantity(self):
        limit = self._get_max_quantity()
        for line in self:
            if line.quantity > limit:
                raise ValidationError(self._get_max_quantity_message(line.product_id, limit))

    @api.model
    def _get_max_quantity(self):
        """Largest quantity per line (system parameter recurring_subscriptions.max_quantity)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("recurring_subscriptions.max_quantity", DEFAULT_MAX_QUANTITY)
        )
        try:
            return float(value)
        except (TypeError, ValueError):
            return float(DEFAULT_MAX_QUANTITY)

    @api.model
    def _get_max_quantity_message(self, product, limit):
        return self.env._(
            "The quantity of %(product)s cannot exceed %(max)s.",
            product=product.display_name,
            max=formatLang(self.env, limit, digits=0),
        )

    @api.constrains("product_id", "subscription_id")
    def _check_plan_allowed(self):
        self.subscription_id._check_lines_plan()

    @api.constrains("booking_resource_id")
    def _check_booking_resource_id(self):
        self.env["recurring.booking"]._check_resource_reservations(self)

    def _get_renewal_price(self, date):
        """Unit price and discount of this line for a renewal on ``date``.

        :return: (price_unit, discount) in the subscription currency
        """
        self.ensure_one()
        sub = self.subscription_id
        return self.product_id.product_tmpl_id._get_recurring_price(
            sub.plan_id,
            product=self.product_id,
            pricelist=sub.pricelist_id,
            quantity=self.quantity or 1.0,
            uom=self.product_uom_id,
            date=date,
            currency=sub.currency_id,
            company=sub.company_id,
        )

    def _get_period_price(self, date):
        """Price and discount used for the period starting on ``date``."""
        self.ensure_one()
        if self.price_mode == "fixed":
            return self.price_unit, self.discount
        return self._get_renewal_price(date)

    def _get_period_description(self, period_start, period_end):
        self.ensure_one()
        lang = self.subscription_id.partner_id.lang
        return self.env._(
            "%(name)s\nPeriod: %(start)s - %(end)s",
            name=self.name or self.product_id.display_name,
            start=format_date(self.env, period_start, lang_code=lang),
            end=format_date(self.env, period_end, lang_code=lang),
        )
