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
                    move.recurring_subscription_id._prepare_event_values(
                        "payment",
                        self.env._("Invoice %(invoice)s paid.", invoice=move.name),
                        occurrence=move.recurring_occurrence_id,
                        document=move,
                    )
                    for move in renewals
                ]
            )
            subscriptions._on_invoices_paid()
        paid_periods = renewals.recurring_occurrence_id
        paid_periods.sudo().write({"next_payment_retry": False, "payment_action_required": False})
        # Period 0 is paid by the invoice of the order that created the subscription.
        source_orders = self.filtered(
            lambda m: m.move_type == "out_invoice" and not m.recurring_subscription_id
        ).line_ids.sale_line_ids.order_id.filtered("recurring_source_subscription_ids")
        if source_orders:
            paid_periods |= (
                self.env["recurring.subscription.occurrence"]
                .sudo()
                .search([("source_order_id", "in", source_orders.ids)])
            )
        if paid_periods:
            paid_periods._on_periods_paid()
        # Credit packs: the paid invoice grants their booking credits.
        self.env["recurring.credit.entry"]._grant_credit_packs(self)
        return result
