from odoo import models


class RecurringSubscription(models.Model):
    _inherit = "recurring.subscription"

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
