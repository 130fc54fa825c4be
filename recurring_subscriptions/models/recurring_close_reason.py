from odoo import fields, models


class RecurringCloseReason(models.Model):
    _name = "recurring.close.reason"
    _description = "Subscription Close Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    visible_in_portal = fields.Boolean(
        default=True, help="Customers can pick this reason when they cancel."
    )
