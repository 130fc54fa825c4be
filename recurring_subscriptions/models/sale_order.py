from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty


class SaleOrder(models.Model):
    _inherit = "sale.order"

    recurring_subscription_id = fields.Many2one(
        "recurring.subscription",
        string="Renewal of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The subscription whose renewal made this order.",
    )
    recurring_occurrence_id = fields.Many2one(
        "recurring.subscription.occurrence",
        string="Subscription Period",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    is_recurring_order = fields.Boolean(
        string="Recurring Order",
        compute="_compute_is_recurring_order",
        store=True,
        help="Made by a subscription renewal.",
    )
    recurring_source_subscription_ids = fields.One2many(
        "recurring.subscription", "source_order_id", string="Subscriptions Created"
    )
    recurring_subscription_count = fields.Integer(
        string="Subscriptions", compute="_compute_recurring_subscription_count"
    )
    has_recurring_lines = fields.Boolean(compute="_compute_has_recurring_lines")

    _sql_constraints = [
        (
            "recurring_occurrence_unique",
            "UNIQUE(recurring_occurrence_id)",
            "A subscription period has a single renewal order.",
        ),
    ]

    @api.depends("recurring_subscription_id")
    def _compute_is_recurring_order(self):
        for order in self:
            order.is_recurring_order = bool(order.recurring_subscription_id)

    @api.depends("recurring_source_subscription_ids", "recurring_subscription_id")
    def _compute_recurring_subscription_count(self):
        for order in self:
            order.recurring_subscription_count = len(
                order.recurring_source_subscription_ids | order.recurring_subscription_id
            )

    @api.depends("order_line.recurring_plan_id")
    def _compute_has_recurring_lines(self):
        for order in self:
            order.has_recurring_lines = any(order.order_line.mapped("recurring_plan_id"))

    def _action_confirm(self):
        result = super()._action_confirm()
        self._create_recurring_subscriptions()
        self._restore_recurring_subscriptions()
        return result

    def _recompute_prices(self):
        # "Update prices" (and a pricelist change in the shop) reprices every line,
        # discounts agreed by hand included (see sale.order.line._compute_discount).
        return super(
            SaleOrder, self.with_context(force_price_recomputation=True)
        )._recompute_prices()

    def _restore_recurring_subscriptions(self):
        """Confirming a cancelled order again brings back the subscriptions its
        cancellation closed."""
        reason = self.env.ref(
            "recurring_subscriptions.close_reason_order_cancelled", raise_if_not_found=False
        )
        closed = self.sudo().recurring_source_subscription_ids.filtered(
            lambda s: s.state == "closed" and s.close_reason_id == reason
        )
        closed._restore_closed()

    def _action_cancel(self):
        result = super()._action_cancel()
        to_close = self.recurring_source_subscription_ids.filtered(
            lambda s: s.plan_id.close_on_source_cancel and s.state != "closed"
        )
        if to_close:
            to_close._action_close(
                self.env.ref("recurring_subscriptions.close_reason_order_cancelled")
            )
        return result

    def _create_recurring_subscriptions(self):
        """One subscription per plan for each confirmed order with recurring lines.

        Renewal orders never create subscriptions, and an order that already
        created its subscriptions (confirmed, cancelled, confirmed again) does
        not create them twice.
        """
        orders = self.filtered(
            lambda o: (
                not o.recurring_subscription_id
                and any(line.recurring_plan_id for line in o.order_line)
            )
        )
        if not orders:
            return self.env["recurring.subscription"]
        already = (
            self.env["recurring.subscription"]
            .with_context(active_test=False)
            .sudo()
            .search([("source_order_id", "in", orders.ids)])
            .source_order_id
        )
        subscriptions = self.env["recurring.subscription"]
        for order in orders - already:
            groups = order.order_line.filtered(
                lambda l: l.recurring_plan_id and not l.display_type
            ).grouped(lambda l: l._get_recurring_subscription_key())
            for (_plan_id, _start_date, _end_date, count), lines in groups.items():
                plan = lines[:1].recurring_plan_id
                subscription = (
                    self.env["recurring.subscription"]
                    .sudo()
                    .create(order._prepare_recurring_subscription_values(plan, lines))
                )
                deferred = any(lines.mapped("recurring_deferred"))
                subscription._start(
                    fields.Date.context_today(self),
                    first_period_done_by=None if deferred else order,
                    period_count=count or None,
                )
                subscriptions |= subscription
            created = subscriptions.filtered(lambda s, o=order: s.source_order_id == o)
            order.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._("Subscriptions created:"),
                    Markup().join(Markup("<li>%s</li>") % s._get_html_link() for s in created),
                )
            )
        return subscriptions

    def _prepare_recurring_subscription_values(self, plan, lines):
        self.ensure_one()
        line = lines[:1]
        start = line.recurring_start_date or fields.Date.context_today(self, self.date_order)
        return {
            "end_date": line.recurring_end_date,
            "partner_id": self.partner_id.id,
            "partner_invoice_id": self.partner_invoice_id.id,
            "partner_shipping_id": self.partner_shipping_id.id,
            "company_id": self.company_id.id,
            "pricelist_id": self.pricelist_id.id,
            "user_id": self.user_id.id,
            "payment_term_id": self.payment_term_id.id,
            "fiscal_position_id": self.fiscal_position_id.id,
            "plan_id": plan.id,
            "source_order_id": self.id,
            "start_date": start,
            "payment_token_id": self._get_recurring_payment_token().id,
            "line_ids": [
                fields.Command.create(line._prepare_recurring_subscription_line_values())
                for line in lines
            ],
            **self._prepare_recurring_terms_values(plan),
        }

    def _get_recurring_payment_token(self):
        """The card saved while paying this order, if any (latest first)."""
        self.ensure_one()
        transactions = self.sudo().transaction_ids.filtered(
            lambda t: t.token_id.active and t.state in ("done", "authorized", "pending")
        )
        return transactions.sorted("id", reverse=True)[:1].token_id

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        if self.recurring_subscription_id:
            values.update(
                recurring_subscription_id=self.recurring_subscription_id.id,
                recurring_occurrence_id=self.recurring_occurrence_id.id,
            )
        return values

    def action_view_recurring_subscriptions(self):
        self.ensure_one()
        subscriptions = self.recurring_source_subscription_ids | self.recurring_subscription_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_subscription_action"
        )
        if len(subscriptions) == 1:
            action.update(views=[(False, "form")], res_id=subscriptions.id)
        else:
            action["domain"] = [("id", "in", subscriptions.ids)]
        return action

    # ------------------------------------------------------------------
    # Website (e-shop): cart lines with a plan, checkout, confirmation
    # ------------------------------------------------------------------

    recurring_terms_accepted_date = fields.Datetime(
        string="Plan Terms Accepted On",
        readonly=True,
        copy=False,
        help="When the customer accepted the terms and conditions of the plans of this "
        "order, before paying it in the shop.",
    )

    def _cart_find_product_line(self, product_id, line_id=None, **kwargs):
        """Override of `website_sale`: one cart line per plan and schedule.

        The same recurring product bought with two plans (or two start dates) makes two
        lines, and so two subscriptions.
        """
        lines = super()._cart_find_product_line(product_id, line_id=line_id, **kwargs)
        if line_id or not lines:
            return lines
        values = self._get_recurring_cart_line_values(product_id, **kwargs)
        if not values:
            return lines
        key = (
            values["recurring_plan_id"],
            values["recurring_start_date"],
            values["recurring_end_date"],
            values["recurring_period_count"],
        )
        return lines.filtered(lambda line: line._get_recurring_subscription_key() == key)

    def _prepare_order_line_values(self, product_id, quantity, **kwargs):
        """Override of `website_sale`: a new cart line keeps the plan and dates chosen."""
        values = super()._prepare_order_line_values(product_id, quantity, **kwargs)
        values.update(self._get_recurring_cart_line_values(values["product_id"], **kwargs))
        return values

    def _get_recurring_cart_line_values(
        self,
        product_id,
        recurring_plan_id=None,
        recurring_start_date=None,
        recurring_end_date=None,
        recurring_period_count=None,
        **kwargs,
    ):
        """The subscription options of a cart line, as posted by the product page.

        The shop posts them as text. A product that is not recurring ignores them (the
        product configurator posts the main product's options with its optional
        products); without a plan, the product's first plan is used, as on a
        back-office order line.

        :return: the ``sale.order.line`` values, or {} for a product that is not recurring
        :raise UserError: a plan that the product does not offer, a malformed date or
            number, a start in the past, an end before the start, or an end on a plan
            with a fixed number of periods
        """
        self.ensure_one()
        template = self.env["product.product"].browse(product_id).product_tmpl_id
        if not template.recurring_ok:
            return {}
        _ = self.env._
        plans = template.sudo().recurring_product_plan_ids.plan_id.filtered("active")
        plan = plans[:1]
        if recurring_plan_id:
            plan = plans.filtered(lambda p: str(p.id) == str(recurring_plan_id).strip())
            if not plan:
                raise UserError(
                    _(
                        "This plan is not available for %(product)s.",
                        product=template.display_name,
                    )
                )
        start = self._parse_recurring_cart_date(recurring_start_date)
        end = self._parse_recurring_cart_date(recurring_end_date)
        try:
            count = int(recurring_period_count or 0)
        except (TypeError, ValueError):
            raise UserError(_("The number of deliveries must be a whole number.")) from None
        today = fields.Date.context_today(self)
        if start and start < today:
            raise UserError(_("A subscription cannot start in the past."))
        if start == today:
            start = False  # the default: it starts when the order is confirmed
        if count < 0:
            raise UserError(_("The number of deliveries cannot be negative."))
        if (end or count) and plan.duration_type == "limited":
            raise UserError(
                _(
                    "The plan %(plan)s lasts %(count)s periods: it cannot end on another date.",
                    plan=plan.name,
                    count=plan.duration_count,
                )
            )
        if end and count:
            raise UserError(_("Choose an end date or a number of deliveries, not both."))
        if end and end < (start or today):
            raise UserError(_("A subscription cannot end before it starts."))
        return {
            "recurring_plan_id": plan.id,
            "recurring_start_date": start or False,
            "recurring_end_date": end or False,
            "recurring_period_count": count,
        }

    def _parse_recurring_cart_date(self, value):
        if not value:
            return False
        try:
            return fields.Date.to_date(str(value).strip())
        except ValueError:
            raise UserError(self.env._("%(value)s is not a valid date.", value=value)) from None

    def _check_cart_is_ready_to_be_paid(self):
        """Override of `website_sale`: a start date chosen days ago may have passed."""
        result = super()._check_cart_is_ready_to_be_paid()
        today = fields.Date.context_today(self)
        late = self.order_line.filtered(
            lambda l: (
                l.recurring_plan_id and l.recurring_start_date and l.recurring_start_date < today
            )
        )
        if late:
            raise ValidationError(
                self.env._(
                    "The start date of %(product)s has passed: please add it to your cart again.",
                    product=late[:1].product_id.display_name,
                )
            )
        return result

    def _get_recurring_shop_summaries(self):
        """One summary per subscription this cart will create, for the shop's totals.

        Lines are grouped as `_create_recurring_subscriptions` groups them; each summary
        is the first line's (see `sale.order.line._get_recurring_shop_summary`) with
        ``lines`` and the ``period_amount`` of all of them.
        """
        self.ensure_one()
        lines = self.order_line.filtered(lambda l: l.recurring_plan_id and not l.display_type)
        summaries = []
        for group in lines.grouped(lambda l: l._get_recurring_subscription_key()).values():
            line_summaries = [line._get_recurring_shop_summary() for line in group]
            summaries.append(
                {
                    **line_summaries[0],
                    "lines": group,
                    "period_amount": sum(s["period_amount"] for s in line_summaries),
                }
            )
        return summaries

    def _recurring_needs_card_validation(self):
        """Nothing is due today (free trials, later starts), yet the subscriptions need a
        saved card: the shop saves it with a validation transaction (a Stripe
        SetupIntent) instead of confirming the order without payment."""
        self.ensure_one()
        return bool(
            self.has_recurring_lines
            and not self.recurring_subscription_id
            and self.currency_id.is_zero(self.amount_total)
        )

    def _check_recurring_payment_option(self, provider_sudo, payment_method_sudo, flow):
        """The payment of an order with subscriptions must save the card (the payment
        form only offers such methods; this refuses the others posted by hand).

        :raise ValidationError: the provider or the method cannot save a card
        """
        self.ensure_one()
        if flow == "token":  # a saved card already
            return
        if not (provider_sudo.allow_tokenization and payment_method_sudo.support_tokenization):
            raise ValidationError(
                self.env._(
                    "%(method)s cannot be saved to pay your subscription: "
                    "please choose another payment method.",
                    method=payment_method_sudo.name or provider_sudo.name,
                )
            )

    def _get_recurring_terms_plans(self):
        """The plans of this order whose terms the customer accepts before paying."""
        self.ensure_one()
        return self.order_line.recurring_plan_id.filtered(lambda p: not is_html_empty(p.terms))

    def _recurring_accept_terms(self, accepted):
        """Record that the customer accepted the plans' terms while paying in the shop.

        :param bool accepted: whether the customer ticked the terms checkbox
        :raise ValidationError: the order has plans with terms that are not accepted
        """
        self.ensure_one()
        if not self._get_recurring_terms_plans():
            return
        if not accepted:
            raise ValidationError(
                self.env._("Please accept the terms and conditions of your subscription.")
            )
        self.recurring_terms_accepted_date = fields.Datetime.now()

    def _prepare_recurring_terms_values(self, plan):
        """The terms acceptance that a subscription created by this order inherits."""
        self.ensure_one()
        if not self.recurring_terms_accepted_date or is_html_empty(plan.terms):
            return {}
        return {
            "terms_accepted_date": self.recurring_terms_accepted_date,
            "terms_accepted_partner_id": self.partner_id.id,
        }

    def _send_order_notification_mail(self, mail_template):
        """Override of `sale`: the confirmation email lists the subscriptions created."""
        if (
            mail_template
            and self.recurring_source_subscription_ids
            and mail_template == self._get_confirmation_template()
        ):
            order = self.with_context(recurring_email_subscriptions=True)
        else:
            order = self
        return super(SaleOrder, order)._send_order_notification_mail(mail_template)

    def message_post(self, **kwargs):
        """Append the subscriptions section to the order confirmation email."""
        if self.env.context.get("recurring_email_subscriptions") and len(self) == 1:
            section = self.env["ir.qweb"]._render(
                "recurring_subscriptions.sale_order_email_subscriptions",
                {"order": self, "subscriptions": self.sudo().recurring_source_subscription_ids},
            )
            kwargs["body"] = escape(kwargs.get("body") or "") + section
        return super().message_post(**kwargs)
