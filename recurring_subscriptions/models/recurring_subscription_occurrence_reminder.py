import logging

from odoo import api, fields, models

from ..const import DEFAULT_BATCH_SIZE

_logger = logging.getLogger(__name__)

# Ask for a new card when the saved one expires before a charge due within these days.
CARD_EXPIRY_NOTICE_DAYS = 30


class RecurringSubscriptionOccurrence(models.Model):
    """Emails before a period is billed: renewal reminders and expiring cards."""

    _inherit = "recurring.subscription.occurrence"

    reminder_sent_date = fields.Date(
        readonly=True, copy=False, help="The renewal reminder of this period went out that day."
    )
    card_expiry_token_id = fields.Many2one(
        "payment.token",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The customer was asked to replace this card before this period's charge.",
    )

    @api.model
    def _get_reminder_candidates_domain(self, today, horizon):
        return [
            ("state", "=", "planned"),
            ("period_start", ">", today),
            ("period_start", "<=", horizon),
            ("subscription_id.state", "in", ("trial", "active", "past_due")),
            ("subscription_id.payment_suspended", "=", False),
            ("subscription_id.cancel_at_period_end", "=", False),
        ]

    def _is_billable_later(self):
        """A coming period the cron will bill: not after the end, not before the next one."""
        self.ensure_one()
        sub = self.subscription_id
        return (not sub.end_date or self.period_start <= sub.end_date) and (
            not sub.next_date or self.period_start >= sub.next_date
        )

    def _get_amount_with_taxes(self):
        """What the renewal of this period will bill, taxes included (as on the invoice)."""
        self.ensure_one()
        sub = self.subscription_id
        total = 0.0
        for line in sub.line_ids:
            if line.quantity <= 0:
                continue
            price, discount = line._get_period_price(self.period_start)
            taxes = line.tax_ids.compute_all(
                price * (1 - (discount or 0.0) / 100.0),
                currency=sub.currency_id,
                quantity=line.quantity,
                product=line.product_id,
                partner=sub.partner_invoice_id,
            )
            total += taxes["total_included"]
        return sub.currency_id.round(total)

    @api.model
    def _cron_send_renewal_reminders(self, batch_size=DEFAULT_BATCH_SIZE):
        """Daily: remind customers of coming renewals and ask for a new card when the
        saved one expires before the charge. Each email goes once per period (and card)."""
        today = fields.Date.context_today(self)
        Plan = self.env["recurring.plan"].with_context(active_test=False)
        max_days = max(Plan.search([]).mapped("reminder_days") or [0])
        horizon = fields.Date.add(today, days=max(max_days, CARD_EXPIRY_NOTICE_DAYS))
        candidates = self.search(
            self._get_reminder_candidates_domain(today, horizon), order="period_start, id"
        )
        reminders = candidates.filtered(
            lambda o: (
                not o.reminder_sent_date
                and o.subscription_id.plan_id.reminder_days
                and fields.Date.subtract(
                    o.period_start, days=o.subscription_id.plan_id.reminder_days
                )
                <= today
                and o._is_billable_later()
            )
        )[:batch_size]
        for occurrence in reminders:
            occurrence._send_renewal_reminder(today)
        expiring = candidates.filtered(
            lambda o: (
                o.subscription_id.payment_mode == "token"
                and o.subscription_id.payment_token_id.recurring_card_expiry
                and o.subscription_id.payment_token_id.recurring_card_expiry < o.period_start
                and o.card_expiry_token_id != o.subscription_id.payment_token_id
                and o.period_start <= fields.Date.add(today, days=CARD_EXPIRY_NOTICE_DAYS)
                and o._is_billable_later()
            )
        )
        # One request per card: the first period the card cannot pay.
        seen_tokens = set()
        for occurrence in expiring:
            token = occurrence.subscription_id.payment_token_id
            key = (occurrence.subscription_id.id, token.id)
            if key in seen_tokens:
                continue
            seen_tokens.add(key)
            occurrence._send_card_expiry_notice(token)
        return len(reminders)

    def _send_renewal_reminder(self, today):
        self.ensure_one()
        sub = self.subscription_id
        amount = self._get_amount_with_taxes()
        template = self.env.ref(
            "recurring_subscriptions.mail_template_renewal_reminder", raise_if_not_found=False
        )
        if template:
            template.with_context(
                recurring_occurrence_id=self.id, recurring_reminder_amount=amount
            ).send_mail(sub.id, email_layout_xmlid="mail.mail_notification_light")
        self.reminder_sent_date = today
        self._log_event(
            "info",
            self.env._(
                "Renewal reminder sent for %(date)s (%(amount)s).",
                date=self.period_start,
                amount=sub.currency_id.format(amount),
            ),
        )

    def _send_card_expiry_notice(self, token):
        self.ensure_one()
        sub = self.subscription_id
        template = self.env.ref(
            "recurring_subscriptions.mail_template_card_expiring", raise_if_not_found=False
        )
        if template:
            template.with_context(recurring_occurrence_id=self.id).send_mail(
                sub.id, email_layout_xmlid="mail.mail_notification_light"
            )
        self.card_expiry_token_id = token
        self._log_event(
            "info",
            self.env._(
                "The card %(card)s expires on %(expiry)s, before the charge of %(date)s: "
                "the customer was asked to update it.",
                card=token.display_name,
                expiry=token.recurring_card_expiry,
                date=self.period_start,
            ),
        )
