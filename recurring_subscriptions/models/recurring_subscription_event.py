from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import EVENT_TYPE_SELECTION


class RecurringSubscriptionEvent(models.Model):
    """Append-only log of what happened to a subscription (periods, documents, errors)."""

    _name = "recurring.subscription.event"
    _description = "Subscription Event"
    _order = "id desc"
    _rec_name = "message"

    subscription_id = fields.Many2one(
        "recurring.subscription", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="subscription_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="subscription_id.partner_id")
    event_type = fields.Selection(EVENT_TYPE_SELECTION, required=True, index=True)
    is_error = fields.Boolean(compute="_compute_is_error", store=True, index=True)
    message = fields.Char(required=True)
    occurrence_id = fields.Many2one("recurring.subscription.occurrence", ondelete="set null")
    document_ref = fields.Reference(
        selection=[
            ("sale.order", "Sale Order"),
            ("account.move", "Invoice"),
            ("payment.transaction", "Payment Transaction"),
        ],
        string="Document",
    )
    create_date = fields.Datetime(string="Date", readonly=True, index=True)

    @api.depends("event_type")
    def _compute_is_error(self):
        for event in self:
            event.is_error = event.event_type == "error"

    def write(self, vals):
        # The log is append-only: only the link to a deleted document may change.
        allowed = {"occurrence_id", "document_ref"}
        if set(vals) - allowed:
            raise UserError(self.env._("Subscription events cannot be modified."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_always(self):
        # Append-only for everyone, managers included; deleting the subscription
        # (allowed only without documents) removes its log with it in SQL.
        raise UserError(self.env._("Subscription events cannot be deleted."))
