from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    recurring_subscription_ids = fields.One2many("recurring.subscription", "partner_id")
    recurring_subscription_count = fields.Integer(
        string="Subscriptions", compute="_compute_recurring_subscription_count"
    )

    def _compute_recurring_subscription_count(self):
        counts = dict(
            self.env["recurring.subscription"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.recurring_subscription_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_recurring_subscriptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_subscription_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
