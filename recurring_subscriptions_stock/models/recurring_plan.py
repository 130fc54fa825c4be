from odoo import fields, models


class RecurringPlan(models.Model):
    _inherit = "recurring.plan"

    stock_policy = fields.Selection(
        [
            ("ignore", "Ignore stock"),
            ("cap", "Cap quantities to the stock"),
            ("skip", "Skip lines out of stock"),
        ],
        string="Stock at Renewal",
        default="ignore",
        required=True,
        help="What a renewal order does with storable products: order the subscribed "
        "quantities whatever the stock (default), cap each quantity to the free quantity "
        "of the order's warehouse, or leave out a line that cannot be served in full. "
        "Subscriptions started first are served first.",
    )
