from odoo import api, fields, models

from ..const import RUNNING_STATES
from ..utils import periods


class RecurringSubscription(models.Model):
    """What customers and staff are told about the next renewal.

    ``next_date`` is the renewal engine's cursor: the start of the next period it
    handles, billed or skipped. ``next_renewal_date`` is the next period that will
    really be billed: skipped periods are passed over, and there is none after a
    scheduled cancellation, after the end date or while paused.
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
