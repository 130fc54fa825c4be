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
    start_date = fields.Date(string="Restart On", required=True, default=fields.Date.context_today)

    def action_confirm(self):
        self.ensure_one()
        self.subscription_ids.action_reopen(self.start_date)
        return {"type": "ir.actions.act_window_close"}
