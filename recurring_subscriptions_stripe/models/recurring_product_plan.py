from odoo import fields, models


class RecurringProductPlan(models.Model):
    _inherit = "recurring.product.plan"

    stripe_plan_id = fields.Char(
        string="Stripe Plan ID",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Id of the Stripe plan (recurring price) this row was imported from; "
        "re-importing updates this row instead of creating another one.",
    )
