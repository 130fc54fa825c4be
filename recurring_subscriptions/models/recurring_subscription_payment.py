from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Command

from ..const import ENGINE_CONTEXT


class RecurringSubscription(models.Model):
    """Payment side of ``recurring.subscription``: status, dunning and emails."""

    # recurring.subscription is split into one file per concern on purpose.
    _inherit = "recurring.subscription"

    payment_suspended = fields.Boolean(
        readonly=True,
        copy=False,
        help="The last payment attempt failed: no more orders until the open invoices are paid.",
    )
    payment_status = fields.Selection(
        [
            ("ok", "Up to date"),
            ("pending", "Payment pending"),
            ("retrying", "Retry scheduled"),
            ("action_required", "Customer action required"),
            ("unpaid", "Unpaid"),
            ("suspended", "Suspended"),
        ],
        compute="_compute_payment_status",
    )
    next_payment_retry = fields.Datetime(compute="_compute_payment_status")
    open_invoice_ids = fields.Many2many(
        "account.move",
        string="Open Invoices",
        compute="_compute_payment_status",
        help="Posted renewal invoices not paid yet (payment requests).",
    )

    @api.depends(
        "invoice_ids.payment_state",
        "payment_suspended",
        "occurrence_ids.next_payment_retry",
        "occurrence_ids.payment_action_required",
        "occurrence_ids.transaction_ids.state",
    )
    def _compute_payment_status(self):
        for sub in self:
            open_invoices = sub._get_open_renewal_invoices()
            periods = sub.occurrence_ids.filtered(lambda o, inv=open_invoices: o.invoice_id in inv)
            retries = [d for d in periods.mapped("next_payment_retry") if d]
            sub.open_invoice_ids = open_invoices
            sub.next_payment_retry = min(retries) if retries else False
            if sub.payment_suspended:
                sub.payment_status = "suspended"
            elif not open_invoices:
                sub.payment_status = "ok"
            elif any(periods.mapped("payment_action_required")):
                sub.payment_status = "action_required"
            elif periods.transaction_ids.filtered(lambda t: t.state in ("pending", "authorized")):
                sub.payment_status = "pending"
            elif retries:
                sub.payment_status = "retrying"
            else:
                sub.payment_status = "unpaid"

    def _prepare_charge_transaction_values(self, invoice, reference=None):
        """Values of the ``offline`` transaction that charges ``invoice`` to this
        subscription's saved card (a new reference, so a new idempotency key).

        :param str reference: a reference known to be unused (the renewal engine
            checks a whole batch with one query); computed when not given
        """
        self.ensure_one()
        token = self.payment_token_id
        Transaction = self.env["payment.transaction"]
        return {
            "provider_id": token.provider_id.id,
            "payment_method_id": token.payment_method_id.id,
            "reference": reference
            or Transaction._compute_reference(token.provider_id.code, prefix=invoice.name),
            "amount": invoice.amount_residual,
            "currency_id": invoice.currency_id.id,
            "partner_id": invoice.partner_id.id,
            "token_id": token.id,
            "operation": "offline",
            "invoice_ids": [Command.set(invoice.ids)],
        }

    def _get_open_renewal_invoices(self):
        """Posted renewal invoices of this subscription that are not paid yet."""
        self.ensure_one()
        return self.invoice_ids.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.payment_state not in ("paid", "in_payment", "reversed")
            )
        )

    def _set_past_due(self):
        self.filtered(lambda s: s.state == "active")._transition_to("past_due")

    def _on_invoices_paid(self):
        """Back to active once no renewal invoice is left unpaid; retries stop."""
        today = fields.Date.context_today(self)
        for sub in self.with_context(recurring_engine=ENGINE_CONTEXT):
            unpaid = sub._get_open_renewal_invoices()
            if unpaid:
                continue
            if sub.payment_suspended:
                sub.payment_suspended = False
                if sub.next_date and sub.next_date < today and sub.state != "closed":
                    # Periods missed while suspended are not billed afterwards.
                    sub._reanchor(today)
            if sub.state == "past_due":
                sub._transition_to("active", message=self.env._("invoices paid"))

    def _apply_dunning_final_action(self, occurrence):
        """The last attempt failed: suspend or close, as the plan says."""
        self.ensure_one()
        if self.plan_id.dunning_final_action == "close":
            self._action_close(self.env.ref("recurring_subscriptions.close_reason_payment_failed"))
            return
        self.payment_suspended = True
        self._log_event(
            "state",
            self.env._("Payment attempts exhausted: suspended until the open invoices are paid."),
            occurrence=occurrence,
        )
        self._send_template("recurring_subscriptions.mail_template_payment_failed", occurrence)

    def _on_payment_token_removed(self):
        """The saved card was archived or deleted: renewals become payment requests."""
        for sub in self:
            token = sub.payment_token_id
            sub.payment_token_id = False
            message = self.env._(
                "The payment method %(token)s was removed: the next renewals are sent as "
                "payment requests until a new payment method is chosen.",
                token=token.display_name,
            )
            sub._log_event("payment", message)
            sub.message_post(body=Markup("<p>%s</p>") % message, subtype_xmlid="mail.mt_note")

    def _on_payment_token_changed(self):
        """A new card for a subscription with failed payments: try it at the next run."""
        periods = self.occurrence_ids.filtered(
            lambda o: (
                o.payment_first_failure
                and o.invoice_id.payment_state not in ("paid", "in_payment", "reversed")
            )
        )
        if periods:
            periods.sudo().write(
                {"next_payment_retry": fields.Datetime.now(), "payment_action_required": False}
            )
            self.env.ref("recurring_subscriptions.ir_cron_process_subscriptions")._trigger()

    def _send_template(self, xmlid, occurrence):
        """Email the customer with one of the addon's templates (queued, not blocking)."""
        self.ensure_one()
        template = self.env.ref(xmlid, raise_if_not_found=False)
        if template:
            template.with_context(recurring_occurrence_id=occurrence.id).send_mail(
                self.id, email_layout_xmlid="mail.mail_notification_light"
            )
