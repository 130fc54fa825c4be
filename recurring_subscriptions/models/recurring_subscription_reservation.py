# pylint: disable=consider-merging-classes-inherited
from odoo import models

from ..const import RESERVING_SUBSCRIPTION_STATES


class RecurringSubscription(models.Model):
    """Resources reserved by subscription lines are exclusive: the reservation is
    checked again, under a row lock on the resource, whenever a subscription starts,
    reopens or changes its dates."""

    _inherit = "recurring.subscription"

    def write(self, vals):
        result = super().write(vals)
        if {"state", "start_date", "end_date"} & set(vals):
            self._check_reserved_resources()
        return result

    def _check_reserved_resources(self):
        lines = self.filtered(lambda s: s.state in RESERVING_SUBSCRIPTION_STATES).line_ids
        lines = lines.filtered("booking_resource_id")
        if not lines:
            return
        # Two subscriptions starting at the same moment wait for each other here.
        lines.booking_resource_id.sudo()._lock_for_booking()
        self.env["recurring.booking"]._check_resource_reservations(lines)
