from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    recurring_subscription_id = fields.Many2one(
        "recurring.subscription",
        string="Subscription",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    recurring_occurrence_id = fields.Many2one(
        "recurring.subscription.occurrence",
        string="Subscription Period",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        renewals = self.filtered(
            lambda m: m.recurring_subscription_id and m.move_type == "out_invoice"
        )
        if renewals:
            subscriptions = renewals.recurring_subscription_id.sudo()
            subscriptions._log_events(
                [
                    {
                        "subscription_id": move.recurring_subscription_id.id,
                        "occurrence_id": move.recurring_occurrence_id.id,
                        "event_type": "payment",
                        "message": self.env._("Invoice %(invoice)s paid.", invoice=move.name),
                        "document_ref": f"account.move,{move.id}",
                    }
                    for move in renewals
                ]
            )
            subscriptions._on_invoices_paid()
        return result
