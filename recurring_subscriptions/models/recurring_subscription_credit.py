from odoo import fields, models


class RecurringSubscription(models.Model):
    """Credits granted by a subscription's periods (see recurring.credit.entry)."""

    _inherit = "recurring.subscription"

    credit_entry_ids = fields.One2many(
        "recurring.credit.entry", "subscription_id", string="Credit Grants"
    )
    credit_balance = fields.Float(
        string="Credits Left",
        compute="_compute_credit_balance",
        digits=(16, 2),
        help="Credits granted by this subscription's periods that are still available.",
    )

    def _compute_credit_balance(self):
        totals = dict(
            self.env["recurring.credit.entry"]._read_group(
                [("subscription_id", "in", self.ids), ("is_grant", "=", True)],
                ["subscription_id"],
                ["remaining:sum"],
            )
        )
        for sub in self:
            sub.credit_balance = totals.get(sub, 0.0)

    def action_view_credit_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_credit_entry_action"
        )
        grants = self.credit_entry_ids
        action["domain"] = [
            "|",
            ("id", "in", grants.ids),
            ("grant_id", "in", grants.ids),
        ]
        action["context"] = {}
        return action
