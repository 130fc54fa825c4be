from odoo import fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    recurring_occurrence_id = fields.Many2one(
        "recurring.subscription.occurrence",
        string="Subscription Period",
        readonly=True,
        index="btree_not_null",
    )
