import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from ..const import (
    ALLOWED_TRANSITIONS,
    ENGINE_CONTEXT,
    ENGINE_SUBSCRIPTION_FIELDS,
    PAYMENT_MODE_SELECTION,
    RENEWING_STATES,
    RUNNING_STATES,
    STATE_SELECTION,
)
from ..utils import mrr, periods

_logger = logging.getLogger(__name__)


class RecurringSubscription(models.Model):
    _name = "recurring.subscription"
    _description = "Subscription"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/", index="trigram"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    partner_invoice_id = fields.Many2one(
        "res.partner",
        string="Invoice Address",
        compute="_compute_partner_addresses",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        check_company=True,
    )
    partner_shipping_id = fields.Many2one(
        "res.partner",
        string="Delivery Address",
        compute="_compute_partner_addresses",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", default=lambda self: self.env.user, tracking=True
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        compute="_compute_pricelist_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True, precompute=True
    )
    payment_term_id = fields.Many2one("account.payment.term", check_company=True)
    plan_id = fields.Many2one(
        "recurring.plan", required=True, tracking=True, check_company=True, index=True
    )
    payment_mode = fields.Selection(
        PAYMENT_MODE_SELECTION,
        compute="_compute_payment_mode",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="From the plan; becomes 'charge the saved payment method' when a customer "
        "paying by payment requests saves a card while paying one.",
    )
    recurrence_label = fields.Char(related="plan_id.recurrence_label", string="Recurrence")
    line_ids = fields.One2many("recurring.subscription.line", "subscription_id", copy=True)
    state = fields.Selection(
        STATE_SELECTION, default="draft", required=True, tracking=True, index=True, copy=False
    )
    cancel_at_period_end = fields.Boolean(
        string="Cancellation Scheduled",
        tracking=True,
        copy=False,
        help="The subscription closes at the end of the current period instead of renewing.",
    )
    start_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    trial_end_date = fields.Date(copy=False, readonly=True)
    anchor_date = fields.Date(
        copy=False,
        readonly=True,
        help="Start of billed period 0; every period is computed from it.",
    )
    next_date = fields.Date(string="Next Renewal", copy=False, index=True, readonly=True)
    end_date = fields.Date(tracking=True, copy=False)
    payment_token_id = fields.Many2one(
        "payment.token",
        string="Payment Method",
        tracking=True,
        copy=False,
        check_company=True,
        domain="[('partner_id.commercial_partner_id', '=', commercial_partner_id)]",
    )
    source_order_id = fields.Many2one("sale.order", readonly=True, copy=False, index=True)
    order_ids = fields.One2many("sale.order", "recurring_subscription_id", string="Orders")
    invoice_ids = fields.One2many("account.move", "recurring_subscription_id", string="Invoices")
    occurrence_ids = fields.One2many("recurring.subscription.occurrence", "subscription_id")
    event_ids = fields.One2many("recurring.subscription.event", "subscription_id")
    close_reason_id = fields.Many2one("recurring.close.reason", tracking=True, copy=False)
    close_date = fields.Date(copy=False, readonly=True)
    note = fields.Html()
    recurring_total = fields.Monetary(
        compute="_compute_recurring_total", store=True, string="Recurring Amount"
    )
    recurring_monthly_amount = fields.Monetary(
        compute="_compute_recurring_monthly_amount",
        string="Monthly Equivalent",
        help="The recurring amount per average month, to compare weekly, monthly and "
        "yearly subscriptions.",
    )
    order_count = fields.Integer(compute="_compute_document_counts")
    invoice_count = fields.Integer(compute="_compute_document_counts")
    error_event_count = fields.Integer(compute="_compute_document_counts")

    _sql_constraints = [
        (
            "dates_order",
            "CHECK(end_date IS NULL OR end_date >= start_date)",
            "The end date cannot be before the start date.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_partner_addresses(self):
        for sub in self:
            addresses = (
                sub.partner_id.address_get(["invoice", "delivery"]) if sub.partner_id else {}
            )
            sub.partner_invoice_id = addresses.get("invoice", False)
            sub.partner_shipping_id = addresses.get("delivery", False)

    @api.depends("plan_id")
    def _compute_payment_mode(self):
        for sub in self:
            sub.payment_mode = sub.plan_id.payment_mode

    @api.depends("partner_id", "company_id")
    def _compute_pricelist_id(self):
        for sub in self:
            if sub.partner_id:
                sub.pricelist_id = sub.partner_id.with_company(
                    sub.company_id
                ).property_product_pricelist
            else:
                sub.pricelist_id = False

    @api.depends("pricelist_id", "company_id")
    def _compute_currency_id(self):
        for sub in self:
            sub.currency_id = sub.pricelist_id.currency_id or sub.company_id.currency_id

    @api.depends("line_ids.price_subtotal")
    def _compute_recurring_total(self):
        for sub in self:
            sub.recurring_total = sum(sub.line_ids.mapped("price_subtotal"))

    @api.depends("recurring_total", "plan_id.billing_unit", "plan_id.billing_interval")
    def _compute_recurring_monthly_amount(self):
        for sub in self:
            plan = sub.plan_id
            sub.recurring_monthly_amount = (
                mrr.monthly_amount(sub.recurring_total, plan.billing_unit, plan.billing_interval)
                if plan and plan.billing_interval > 0
                else 0.0
            )

    def _compute_document_counts(self):
        orders = dict(
            self.env["sale.order"]._read_group(
                [("recurring_subscription_id", "in", self.ids)],
                ["recurring_subscription_id"],
                ["__count"],
            )
        )
        invoices = dict(
            self.env["account.move"]._read_group(
                [("recurring_subscription_id", "in", self.ids)],
                ["recurring_subscription_id"],
                ["__count"],
            )
        )
        errors = dict(
            self.env["recurring.subscription.event"]._read_group(
                [("subscription_id", "in", self.ids), ("is_error", "=", True)],
                ["subscription_id"],
                ["__count"],
            )
        )
        for sub in self:
            sub.order_count = orders.get(sub, 0) + (1 if sub.source_order_id else 0)
            sub.invoice_count = invoices.get(sub, 0)
            sub.error_event_count = errors.get(sub, 0)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for sub in self:
            sub.access_url = f"/my/subscriptions/{sub.id}"
        return result

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("start_date", "end_date")
    def _check_dates(self):
        for sub in self:
            if sub.end_date and sub.start_date and sub.end_date < sub.start_date:
                raise ValidationError(
                    self.env._(
                        "%(sub)s: the end date cannot be before the start date.",
                        sub=sub.display_name,
                    )
                )

    @api.constrains("currency_id", "plan_id", "payment_token_id", "partner_id")
    def _check_currency_and_token(self):
        for sub in self:
            journal = sub.plan_id.journal_id
            if journal.currency_id and journal.currency_id != sub.currency_id:
                raise ValidationError(
                    self.env._(
                        "%(sub)s is billed in %(cur)s but the plan's journal %(journal)s only "
                        "accepts %(journal_cur)s. Use a pricelist in %(journal_cur)s or another "
                        "plan.",
                        sub=sub.display_name,
                        cur=sub.currency_id.name,
                        journal=journal.display_name,
                        journal_cur=journal.currency_id.name,
                    )
                )
            token = sub.payment_token_id
            if token and token.partner_id.commercial_partner_id != sub.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(sub)s: the payment method belongs to another customer.",
                        sub=sub.display_name,
                    )
                )

    @api.constrains("line_ids", "plan_id")
    def _check_lines_plan(self):
        for sub in self:
            for line in sub.line_ids:
                template = line.product_id.product_tmpl_id
                if template.recurring_ok and sub.plan_id not in template.recurring_plan_ids:
                    raise ValidationError(
                        self.env._(
                            "The plan %(plan)s is not allowed for the product %(product)s.",
                            plan=sub.plan_id.name,
                            product=line.product_id.display_name,
                        )
                    )

    @api.onchange("plan_id")
    def _onchange_plan_id_template_lines(self):
        """The plan's template lines appear as soon as the plan is chosen."""
        if self.plan_id.line_ids and not self.line_ids:
            self.line_ids = [
                Command.create(line._prepare_subscription_line_values())
                for line in self.plan_id.line_ids
            ]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("recurring.subscription")
                    or "/"
                )
        subs = super().create(vals_list)
        for sub in subs.filtered(lambda s: not s.line_ids and s.plan_id.line_ids):
            sub.line_ids = [
                Command.create(line._prepare_subscription_line_values())
                for line in sub.plan_id.line_ids
            ]
        return subs

    def write(self, vals):
        self.env["recurring.subscription.occurrence"]._check_engine_fields(
            vals, ENGINE_SUBSCRIPTION_FIELDS
        )
        if (
            "plan_id" in vals
            and not self.env.context.get("recurring_plan_switch")
            and any(s.state != "draft" for s in self)
        ):
            plan = self.env["recurring.plan"].browse(vals["plan_id"])
            if any(
                s.plan_id.billing_unit != plan.billing_unit
                or s.plan_id.billing_interval != plan.billing_interval
                for s in self
                if s.state != "draft"
            ):
                raise UserError(
                    self.env._(
                        "The recurrence of a running subscription cannot change here; "
                        "use the Change button."
                    )
                )
        result = super().write(vals)
        if vals.get("payment_token_id"):
            self._on_payment_token_changed()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_documents(self):
        for sub in self:
            if (
                sub.order_ids
                or sub.invoice_ids
                or sub.source_order_id
                or sub.occurrence_ids.transaction_ids
            ):
                raise UserError(
                    self.env._(
                        "%(sub)s produced orders or invoices and cannot be deleted; "
                        "close it instead.",
                        sub=sub.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------

    def _transition_to(self, state, extra_values=None, message=None):
        """Move the subscriptions to ``state`` if their current state allows it."""
        allowed = ALLOWED_TRANSITIONS[state]
        wrong = self.filtered(lambda s: s.state not in allowed)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(subs)s cannot become %(state)s from its current state (%(current)s).",
                    subs=", ".join(wrong.mapped("display_name")),
                    state=labels[state],
                    current=", ".join(sorted({labels[s] for s in wrong.mapped("state")})),
                )
            )
        labels = dict(self._fields["state"]._description_selection(self.env))
        events = [
            sub._prepare_event_values(
                "state",
                self.env._("%(old)s → %(new)s", old=labels[sub.state], new=labels[state])
                + (f" ({message})" if message else ""),
            )
            for sub in self
            if sub.state != state
        ]
        self.write({"state": state, **(extra_values or {})})
        self._log_events(events)

    # ------------------------------------------------------------------
    # Event log: every event is written through these helpers
    # ------------------------------------------------------------------

    def _prepare_event_values(self, event_type, message, occurrence=None, document=None):
        """Values of one ``recurring.subscription.event`` about this subscription.

        :param str event_type: a key of ``EVENT_TYPE_SELECTION``
        :param str message: what happened, one sentence
        :param occurrence: the period it is about, if any
        :param document: the sale order, invoice or payment transaction it is about, if any
        """
        self.ensure_one()
        return {
            "subscription_id": self.id,
            "occurrence_id": occurrence.id if occurrence else False,
            "event_type": event_type,
            "message": message,
            "document_ref": f"{document._name},{document.id}" if document else False,
        }

    def _log_event(self, event_type, message, occurrence=None, document=None):
        """Write one event in this subscription's log; return it."""
        return self._log_events(
            [self._prepare_event_values(event_type, message, occurrence, document)]
        )

    def _log_events(self, vals_list):
        """Write events prepared by ``_prepare_event_values`` with one ``create``.

        The renewal engine logs a whole batch this way; return the events.
        """
        if not vals_list:
            return self.env["recurring.subscription.event"]
        return self.env["recurring.subscription.event"].sudo().create(vals_list)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_start(self):
        """Start draft subscriptions: future, trial or active depending on dates and plan."""
        today = fields.Date.context_today(self)
        for sub in self:
            if sub.state != "draft":
                raise UserError(self.env._("%(sub)s is already started.", sub=sub.display_name))
            if not sub.line_ids.filtered(lambda l: l.quantity > 0):
                raise UserError(
                    self.env._(
                        "%(sub)s has no line: add what the customer subscribes to first.",
                        sub=sub.display_name,
                    )
                )
            sub._check_company_currency()
            sub._start(today)
        return True

    def _check_company_currency(self):
        self.ensure_one()
        for line in self.line_ids:
            if line.product_id.company_id and line.product_id.company_id != self.company_id:
                raise ValidationError(
                    self.env._(
                        "%(product)s belongs to another company.",
                        product=line.product_id.display_name,
                    )
                )

    def _start(self, today, first_period_done_by=None, period_count=None):
        """Compute the schedule and move out of draft.

        :param first_period_done_by: the sale order that pays for period 0 (the source
            order); the cron then starts with period 1.
        """
        self.ensure_one()
        plan = self.plan_id
        anchor = self.start_date
        trial_end = False
        if plan._has_trial_for(self.partner_id, exclude=self):
            trial_end = periods.trial_end(self.start_date, plan.trial_unit, plan.trial_interval)
            anchor = trial_end
        elif plan.trial_interval:
            self.message_post(
                body=self.env._(
                    "No free trial: %(customer)s already had the trial of the plan %(plan)s.",
                    customer=self.commercial_partner_id.display_name,
                    plan=plan.name,
                )
            )
        values = {"anchor_date": anchor, "trial_end_date": trial_end, "next_date": anchor}
        count = period_count or (plan.duration_count if plan.duration_type == "limited" else 0)
        if count and not self.end_date:
            values["end_date"] = periods.end_after_periods(
                anchor, plan.billing_unit, plan.billing_interval, count
            )
        if self.start_date > today:
            state = "future"
        elif trial_end and trial_end > today:
            state = "trial"
        else:
            state = "active"
        self._transition_to(state, values)
        if first_period_done_by and not trial_end:
            start, end = periods.period_bounds(anchor, plan.billing_unit, plan.billing_interval, 0)
            first_period = self.env["recurring.subscription.occurrence"].create(
                {
                    "subscription_id": self.id,
                    "period_index": 0,
                    "period_start": start,
                    "period_end": end,
                    "state": "done",
                    "payment_step_done": True,
                    "source_order_id": first_period_done_by.id,
                }
            )
            first_period._on_periods_started()
            self.next_date = periods.period_start(
                anchor, plan.billing_unit, plan.billing_interval, 1
            )
        self._plan_occurrences()

    def action_pause(self):
        self._transition_to("paused")
        return True

    def action_resume(self):
        """Resume paused subscriptions; missed periods are not back-filled."""
        today = fields.Date.context_today(self)
        for sub in self:
            if sub.state != "paused":
                raise UserError(self.env._("%(sub)s is not paused.", sub=sub.display_name))
            if sub.next_date and sub.next_date < today:
                sub._reanchor(today)
            in_trial = sub.trial_end_date and sub.trial_end_date > today
            sub._transition_to("trial" if in_trial else "active")
        return True

    def _reanchor(self, new_anchor):
        """Restart the schedule from ``new_anchor``: coming periods are planned again."""
        self.ensure_one()
        self.occurrence_ids.filtered(
            lambda o: (
                o.state in ("planned", "skipped", "failed")
                and not o.order_ids
                and not o.invoice_ids
            )
        ).unlink()
        values = {"anchor_date": new_anchor, "next_date": new_anchor, "renewal_attempts": 0}
        plan = self.plan_id
        if plan.duration_type == "limited":
            # The remaining periods move with the new anchor.
            done = len(self.occurrence_ids.filtered(lambda o: o.state == "done"))
            remaining = max(plan.duration_count - done, 1)
            values["end_date"] = periods.end_after_periods(
                new_anchor, plan.billing_unit, plan.billing_interval, remaining
            )
        self.write(values)
        self._plan_occurrences()

    def action_process_now(self):
        """Run the scheduler's work for these subscriptions now and say what was done."""
        subs = self.with_context(recurring_engine=ENGINE_CONTEXT)
        subs.write({"renewal_attempts": 0})
        today = fields.Date.context_today(subs)
        subs._process_lifecycle(today, ids=subs.ids)
        due = subs.filtered(
            lambda s: s.state in RENEWING_STATES and s.next_date and s.next_date <= today
        )
        renewed = subs._renew_due(today, restrict_ids=due.ids) if due else 0
        failed = due.filtered("last_error")
        message = self.env._(
            "%(renewed)s period(s) renewed, %(failed)s failed, %(not_due)s subscription(s) "
            "not due today.",
            renewed=renewed,
            failed=len(failed),
            not_due=len(subs - due),
        )
        if failed:
            message += " " + self.env._(
                "See the log of %(subs)s.", subs=", ".join(failed.mapped("name"))
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else ("success" if renewed else "info"),
                "message": message,
                "sticky": bool(failed),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_close_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close Subscription"),
            "res_model": "recurring.subscription.close.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_cancel_at_period_end(self, reason=None):
        """Close at the end of the current period instead of renewing (undoable)."""
        reason = self._as_close_reason(reason)
        for sub in self:
            if sub.state not in (*RUNNING_STATES, "paused"):
                raise UserError(self.env._("%(sub)s is not running.", sub=sub.display_name))
        self.write(
            {"cancel_at_period_end": True, "close_reason_id": reason.id if reason else False}
        )
        self._log_events(
            [
                sub._prepare_event_values(
                    "state",
                    self.env._(
                        "Cancellation scheduled at the end of the period (%(date)s).",
                        date=sub.next_date,
                    ),
                )
                for sub in self
            ]
        )
        return True

    def action_undo_cancel(self):
        if self.filtered(lambda s: not s.cancel_at_period_end or s.state == "closed"):
            raise UserError(self.env._("No scheduled cancellation to undo."))
        self.write({"cancel_at_period_end": False, "close_reason_id": False})
        self._log_events(
            [
                sub._prepare_event_values("state", self.env._("Scheduled cancellation undone."))
                for sub in self
            ]
        )
        return True

    def _action_close(self, reason, close_date=None, credit_note=False):
        """Close now. With ``credit_note``, refund the unused part of the paid current period."""
        reason = self._as_close_reason(reason)
        today = close_date or fields.Date.context_today(self)
        for sub in self:
            if credit_note:
                sub._create_prorated_credit_note(today)
            sub.occurrence_ids.filtered(
                lambda o: o.state in ("planned", "skipped") and o.period_start >= today
            ).unlink()
        self._transition_to(
            "closed",
            {
                "close_reason_id": reason.id if reason else False,
                "close_date": today,
                "cancel_at_period_end": False,
            },
            message=reason.name if reason else None,
        )
        template = self.env.ref(
            "recurring_subscriptions.mail_template_subscription_closed", raise_if_not_found=False
        )
        if template:
            self.message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    def _as_close_reason(self, reason):
        """Accept a close reason as a record or an id (XML and RPC callers pass ids)."""
        if isinstance(reason, int):
            return self.env["recurring.close.reason"].browse(reason)
        return reason or self.env["recurring.close.reason"]

    def _create_prorated_credit_note(self, close_date):
        """Refund the part of the current period after ``close_date`` (if it was invoiced)."""
        self.ensure_one()
        occurrence = self.occurrence_ids.filtered(
            lambda o: (
                o.state == "done" and o.period_start <= close_date <= o.period_end and o.invoice_id
            )
        )[:1]
        invoice = occurrence.invoice_id
        if not invoice or invoice.state != "posted":
            return self.env["account.move"]
        factor = periods.proration_factor(
            occurrence.period_start,
            occurrence.period_end,
            fields.Date.add(close_date, days=1),
            occurrence.period_end,
        )
        if not factor:
            return self.env["account.move"]
        label = self.env._(
            "Unused part of %(start)s - %(end)s",
            start=fields.Date.add(close_date, days=1),
            end=occurrence.period_end,
        )
        lines = [
            Command.create(
                {
                    "product_id": line.product_id.id,
                    "name": f"{line.name}\n{label}",
                    "quantity": line.quantity,
                    "product_uom_id": line.product_uom_id.id,
                    "price_unit": periods.prorate(
                        line.price_unit, factor, line.currency_id.decimal_places
                    ),
                    "discount": line.discount,
                    "tax_ids": [Command.set(line.tax_ids.ids)],
                }
            )
            for line in self._get_refundable_invoice_lines(invoice)
        ]
        if not lines:
            return self.env["account.move"]
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "currency_id": invoice.currency_id.id,
                "company_id": invoice.company_id.id,
                "reversed_entry_id": invoice.id,
                "invoice_origin": self.name,
                "ref": label,
                "recurring_subscription_id": self.id,
                "recurring_occurrence_id": occurrence.id,
                "invoice_line_ids": lines,
            }
        )
        credit_note.action_post()
        self._log_event(
            "invoice",
            self.env._(
                "Credit note %(move)s for the unused part of the period.", move=credit_note.name
            ),
            occurrence=occurrence,
            document=credit_note,
        )
        return credit_note

    def _get_refundable_invoice_lines(self, invoice):
        """The lines of ``invoice`` that bill this subscription (not another one's).

        A renewal invoice bills one subscription; the invoice of a source order may
        bill several (one per plan), so only the lines of the order lines this
        subscription was made from count.
        """
        self.ensure_one()
        lines = invoice.invoice_line_ids.filtered(lambda l: l.display_type == "product")
        if invoice.recurring_subscription_id == self:
            return lines.filtered(lambda l: l.product_id in self.line_ids.product_id)
        own = self.line_ids.sale_line_id
        if not own:  # made before the link was recorded
            return lines.filtered(lambda l: l.product_id in self.line_ids.product_id)
        return lines.filtered(lambda l: l.sale_line_ids & own)

    def action_reopen(self, start_date=None):
        """Reopen closed subscriptions from ``start_date`` (today by default)."""
        today = fields.Date.context_today(self)
        start_date = start_date or today
        for sub in self:
            if sub.state != "closed":
                raise UserError(self.env._("Only closed subscriptions can be reopened."))
            billed_until = sub._get_billed_until()
            if billed_until and start_date <= billed_until:
                raise UserError(
                    self.env._(
                        "%(sub)s is already invoiced until %(date)s: reopening it on "
                        "%(start)s would bill those days again. Reopen it on %(next)s or "
                        "later.",
                        sub=sub.display_name,
                        date=billed_until,
                        start=start_date,
                        next=fields.Date.add(billed_until, days=1),
                    )
                )
            if sub.end_date and sub.end_date < start_date:
                sub.end_date = False
            sub._transition_to(
                "future" if start_date > today else "active",
                {
                    "close_reason_id": False,
                    "close_date": False,
                    "trial_end_date": False,
                    "start_date": min(sub.start_date, start_date),
                },
                message=self.env._("reopened from %(date)s", date=start_date),
            )
            sub._reanchor(start_date)
        return True

    def _get_billed_until(self):
        """Last day of the last period that produced an order or invoice, or None."""
        self.ensure_one()
        billed = self.occurrence_ids.filtered(
            lambda o: o.state == "done" and (o.order_ids or o.invoice_ids or o.source_order_id)
        )
        return max(billed.mapped("period_end"), default=None)

    def _get_first_reopen_date(self):
        """The first day a closed subscription may restart on without billing twice."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        billed_until = self._get_billed_until()
        return max(today, fields.Date.add(billed_until, days=1)) if billed_until else today

    def _restore_closed(self):
        """Bring back subscriptions closed by mistake (their source order is confirmed
        again): same schedule, the periods already billed are not billed again."""
        today = fields.Date.context_today(self)
        for sub in self.filtered(lambda s: s.state == "closed"):
            billed_until = sub._get_billed_until()
            next_date = (
                fields.Date.add(billed_until, days=1)
                if billed_until
                else sub.next_date or sub.anchor_date
            )
            if sub.start_date > today:
                state = "future"
            elif sub.trial_end_date and sub.trial_end_date > today:
                state = "trial"
            else:
                state = "active"
            sub._transition_to(
                state,
                {"close_reason_id": False, "close_date": False, "next_date": next_date},
                message=self.env._("source order confirmed again"),
            )
            if next_date and next_date < today and state == "active":
                sub._reanchor(today)  # the closed time is not billed afterwards
            else:
                sub._plan_occurrences()

    def action_view_orders(self):
        self.ensure_one()
        orders = self.order_ids | self.source_order_id
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action.update({"domain": [("id", "in", orders.ids)], "context": {"create": False}})
        return action

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            {"domain": [("id", "in", self.invoice_ids.ids)], "context": {"create": False}}
        )
        return action

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_subscription_event_action"
        )
        action.update({"domain": [("subscription_id", "=", self.id)], "context": {}})
        return action

    # ------------------------------------------------------------------
    # Booking credits granted by the periods (see recurring.credit.entry)
    # ------------------------------------------------------------------

    credit_entry_ids = fields.One2many(
        "recurring.credit.entry", "subscription_id", string="Credit Grants"
    )
    credit_balance = fields.Float(
        string="Credits Left",
        compute="_compute_credit_balance",
        digits=(16, 2),
        help="Credits granted by this subscription's periods that are still available.",
    )

    def _compute_credit_balance(self):
        totals = dict(
            self.env["recurring.credit.entry"]._read_group(
                [("subscription_id", "in", self.ids), ("is_grant", "=", True)],
                ["subscription_id"],
                ["remaining:sum"],
            )
        )
        for sub in self:
            sub.credit_balance = totals.get(sub, 0.0)

    def action_view_credit_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_credit_entry_action"
        )
        grants = self.credit_entry_ids
        action["domain"] = [
            "|",
            ("id", "in", grants.ids),
            ("grant_id", "in", grants.ids),
        ]
        action["context"] = {}
        return action
