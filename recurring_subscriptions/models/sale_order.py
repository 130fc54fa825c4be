from markupsafe import Markup

from odoo import api, fields, models

from ..utils.charge_batch import ChargeBatch


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

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """Inside a batch of renewal charges, a plain note on a renewal order (the
        "Invoice ... paid" that ``sale`` posts order by order when the invoice is
        reconciled) is logged with the others of the batch in one bulk call
        (``payment.transaction._recurring_apply_batch``)."""
        batch = self.env.context.get("recurring_charge_batch")
        if (
            isinstance(batch, ChargeBatch)
            and len(self) == 1
            and self.recurring_occurrence_id
            and set(kwargs) == {"body"}
        ):
            batch.add_note(self._name, self.id, kwargs["body"])
            return self.env["mail.message"]
        return super().message_post(**kwargs)
