from odoo import fields, models


class RecurringPlan(models.Model):
    """Free trials: one per customer and plan, unless the plan allows more."""

    _inherit = "recurring.plan"

    trial_once_per_customer = fields.Boolean(
        string="One Trial per Customer",
        default=True,
        help="A customer (company and its contacts) who already had this plan's free trial "
        "starts a new subscription to it without trial.",
    )
    trial_grants_credits = fields.Boolean(
        string="Grant Credits During the Trial",
        help="Customers in their free trial receive the credits of one period when the "
        "trial starts.",
    )

    def _has_trial_for(self, partner, exclude=None):
        """Whether a new subscription of ``partner`` to this plan gets the free trial.

        :param exclude: subscriptions not to count (the one being started)
        """
        self.ensure_one()
        if not self.trial_interval:
            return False
        if not self.trial_once_per_customer or not partner:
            return True
        domain = [
            ("plan_id", "=", self.id),
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("trial_end_date", "!=", False),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        return not self.env["recurring.subscription"].sudo().search_count(domain, limit=1)
