from odoo import fields, models


class RecurringSubscriptionReopenWizard(models.TransientModel):
    _name = "recurring.subscription.reopen.wizard"
    _description = "Reopen Subscriptions"

    subscription_ids = fields.Many2many(
        "recurring.subscription",
        default=lambda self: self.env["recurring.subscription"].browse(
            self.env.context.get("active_ids", [])
        ),
        required=True,
    )
    start_date = fields.Date(
        string="Restart On", required=True, default=lambda self: self._default_start_date()
    )

    def _default_start_date(self):
        """Today, or the day after the last invoiced period if that is later."""
        subs = self.env["recurring.subscription"].browse(self.env.context.get("active_ids", []))
        dates = [sub._get_first_reopen_date() for sub in subs.exists()]
        return max(dates, default=fields.Date.context_today(self))

    def action_confirm(self):
        self.ensure_one()
        self.subscription_ids.action_reopen(self.start_date)
        return {"type": "ir.actions.act_window_close"}
