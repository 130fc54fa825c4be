from odoo import api, fields, models
from odoo.tools import format_date, formatLang

from ..const import RUNNING_STATES
from ..utils import periods


class RecurringSubscription(models.Model):
    """What customers and staff are told about a subscription.

    Next renewal: ``next_date`` is the renewal engine's cursor, the start of the next
    period it handles, billed or skipped. ``next_renewal_date`` is the next period that
    will really be billed: skipped periods are passed over, and there is none after a
    scheduled cancellation, after the end date or while paused.

    Amounts: with or without taxes, and saying which: the company's default
    (``account_price_include``); the e-shop bridge follows the website the
    subscription was bought on.

    Free trial: hooks run when a subscription enters its trial.
    """

    _inherit = "recurring.subscription"

    next_date = fields.Date(string="Next Period")
    next_renewal_date = fields.Date(
        string="Next Renewal",
        compute="_compute_next_renewal_date",
        help="Start of the next period that will be billed (skipped periods are passed "
        "over); empty when none will be: paused, cancellation scheduled or ended.",
    )

    @api.depends(
        "state",
        "next_date",
        "end_date",
        "cancel_at_period_end",
        "anchor_date",
        "occurrence_ids.state",
        "occurrence_ids.period_start",
    )
    def _compute_next_renewal_date(self):
        for sub in self:
            sub.next_renewal_date = sub._get_next_renewal_date()

    def _get_next_renewal_date(self):
        self.ensure_one()
        if (
            self.state not in ("future", *RUNNING_STATES)
            or not self.next_date
            or self.cancel_at_period_end
        ):
            return False
        coming = self.occurrence_ids.filtered(lambda o: o.period_start >= self.next_date).sorted(
            "period_start"
        )
        date = self.next_date
        for occurrence in coming:
            if occurrence.period_start != date:
                break  # a period not materialised yet is planned
            if occurrence.state != "skipped":
                break
            date = self._get_period_start_after(occurrence)
        if self.end_date and date > self.end_date:
            return False
        return date

    def _get_period_start_after(self, occurrence):
        plan = self.plan_id
        return periods.period_start(
            self.anchor_date or occurrence.period_start,
            plan.billing_unit,
            plan.billing_interval,
            occurrence.period_index + 1,
        )

    def _is_period_planned(self, occurrence):
        """Whether ``occurrence`` is a coming period that the schedule still bills or skips
        (not after a scheduled cancellation or the end date)."""
        self.ensure_one()
        if self.cancel_at_period_end and self.next_date:
            return occurrence.period_start < self.next_date
        return not self.end_date or occurrence.period_start <= self.end_date

    recurring_total_included = fields.Monetary(
        string="Recurring Amount (Tax Incl.)", compute="_compute_recurring_total_included"
    )

    @api.depends(
        "line_ids.quantity",
        "line_ids.price_unit",
        "line_ids.discount",
        "line_ids.tax_ids",
        "partner_id",
        "currency_id",
    )
    def _compute_recurring_total_included(self):
        for sub in self:
            total = 0.0
            for line in sub.line_ids:
                price = line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
                taxes = line.tax_ids.compute_all(
                    price, sub.currency_id, line.quantity, line.product_id, sub.partner_id
                )
                total += taxes["total_included"]
            sub.recurring_total_included = total

    def _get_tax_display(self):
        """``"tax_included"`` or ``"tax_excluded"``: how amounts are shown to the customer."""
        self.ensure_one()
        return self.company_id.account_price_include or "tax_excluded"

    def _get_recurring_amount_display(self):
        """The recurring amount shown to the customer.

        :return: dict with ``amount``, ``tax_label`` ("tax incl." or "tax excl.") and
            ``text`` (the formatted amount followed by the label)
        """
        self.ensure_one()
        included = self._get_tax_display() == "tax_included"
        amount = self.recurring_total_included if included else self.recurring_total
        label = _tax_label(self.env, included)
        return {
            "amount": amount,
            "tax_label": label,
            "text": f"{formatLang(self.env, amount, currency_obj=self.currency_id)} {label}",
        }

    def _get_card_consent(self):
        """What the saved card is charged, how often, when next and how to stop it; False
        when the plan does not charge a card."""
        self.ensure_one()
        if self.payment_mode != "token" or self.state == "closed":
            return False
        display = self._get_recurring_amount_display()
        values = {
            "amount": display["text"],
            "frequency": self.recurrence_label,
        }
        if self.next_renewal_date:
            return self.env._(
                "The saved card is charged %(amount)s %(frequency)s, next on %(date)s, until "
                "you cancel. You can cancel or pick another card on this page at any time.",
                date=format_date(self.env, self.next_renewal_date),
                **values,
            )
        return self.env._(
            "The saved card is charged %(amount)s %(frequency)s while the subscription runs; "
            "no charge is planned now. You can cancel or pick another card on this page.",
            **values,
        )

    def _transition_to(self, state, extra_values=None, message=None):
        result = super()._transition_to(state, extra_values=extra_values, message=message)
        if state == "trial":
            self._on_trial_started()
        return result

    def _on_trial_started(self):
        """Called when subscriptions enter their free trial (again after a pause)."""
        # Booking credits of plans granting them during the trial (once per subscription).
        self.env["recurring.credit.entry"]._grant_trial_credits(self)
        return True


def _tax_label(env, included):
    return env._("tax incl.") if included else env._("tax excl.")
