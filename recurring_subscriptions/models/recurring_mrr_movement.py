from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import STATE_SELECTION

MOVEMENT_TYPE_SELECTION = [
    ("new", "New"),
    ("expansion", "Expansion"),
    ("contraction", "Contraction"),
    ("churn", "Churn"),
    ("reactivation", "Reactivation"),
]


class RecurringMrrMovement(models.Model):
    """Append-only log of the changes of monthly recurring revenue (MRR).

    One row per subscription whose MRR changed: the signed difference, in the
    subscription currency and in the company currency (converted on the day of the
    movement). The sum of the rows of a subscription is its MRR; the rows are never
    rewritten. Only the subscription's MRR bookkeeping creates them (with sudo).
    """

    _name = "recurring.mrr.movement"
    _description = "MRR Movement"
    _order = "date desc, id desc"
    _rec_name = "subscription_id"

    date = fields.Date(required=True, index=True, readonly=True)
    movement_type = fields.Selection(
        MOVEMENT_TYPE_SELECTION, string="Type", required=True, index=True, readonly=True
    )
    subscription_id = fields.Many2one(
        "recurring.subscription", required=True, ondelete="cascade", index=True, readonly=True
    )
    subscription_state = fields.Selection(
        STATE_SELECTION, string="Subscription Status", readonly=True
    )
    subscription_start_month = fields.Date(
        readonly=True, help="First day of the month of the subscription's first movement."
    )
    plan_id = fields.Many2one("recurring.plan", index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    close_reason_id = fields.Many2one("recurring.close.reason", readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount = fields.Monetary(
        string="MRR Change (Currency)", currency_field="currency_id", readonly=True
    )
    company_currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount_company = fields.Monetary(
        string="MRR Change", currency_field="company_currency_id", readonly=True
    )
    mrr_after = fields.Monetary(
        string="MRR After",
        currency_field="company_currency_id",
        aggregator=False,
        readonly=True,
    )
    is_logo_churn = fields.Boolean(
        string="Customer Lost",
        readonly=True,
        help="A churn that closed the subscription (a pause or a suspension is not a lost "
        "customer).",
    )

    def write(self, vals):
        if self:
            raise UserError(self.env._("MRR movements cannot be modified."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("MRR movements cannot be deleted."))
