from odoo import api, fields, models
from odoo.exceptions import UserError


class RecurringSubscriptionCloseWizard(models.TransientModel):
    _name = "recurring.subscription.close.wizard"
    _description = "Close Subscriptions"

    subscription_ids = fields.Many2many(
        "recurring.subscription",
        default=lambda self: self._default_subscription_ids(),
        required=True,
    )
    when = fields.Selection(
        [("now", "Now"), ("period_end", "At the end of the current period")],
        default="now",
        required=True,
    )
    close_reason_id = fields.Many2one("recurring.close.reason", string="Reason", required=True)
    credit_note = fields.Boolean(
        string="Refund Unused Time",
        help="Issue a credit note for the unused part of the current, invoiced period.",
    )

    @api.model
    def _default_subscription_ids(self):
        if self.env.context.get("active_model") == "recurring.subscription":
            return self.env["recurring.subscription"].browse(self.env.context.get("active_ids"))
        return self.env["recurring.subscription"]

    def action_confirm(self):
        self.ensure_one()
        subscriptions = self.subscription_ids
        if not subscriptions:
            raise UserError(self.env._("Select the subscriptions to close."))
        if self.when == "now":
            subscriptions._action_close(self.close_reason_id, credit_note=self.credit_note)
        else:
            subscriptions.action_cancel_at_period_end(self.close_reason_id)
        return {"type": "ir.actions.act_window_close"}
