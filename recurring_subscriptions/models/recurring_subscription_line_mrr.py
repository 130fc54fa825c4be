from odoo import api, models

# Line fields whose change may move the subscription's MRR.
MRR_LINE_FIELDS = frozenset({"quantity", "price_unit", "discount", "product_id"})


class RecurringSubscriptionLine(models.Model):
    """Lines that change move the MRR of their subscription (see recurring_subscription_mrr)."""

    _inherit = "recurring.subscription.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.subscription_id._sync_mrr_movements()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if MRR_LINE_FIELDS.intersection(vals):
            self.subscription_id._sync_mrr_movements()
        return result

    def unlink(self):
        subscriptions = self.subscription_id
        result = super().unlink()
        subscriptions.exists()._sync_mrr_movements()
        return result
