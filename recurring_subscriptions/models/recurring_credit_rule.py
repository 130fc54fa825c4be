from odoo import api, fields, models


class RecurringCreditRule(models.Model):
    """How many credits one booking unit costs: "Half day (4 h) = 1 ticket".

    A booking is covered by the cheapest combination of units; a rule may be
    limited to one resource or to the resources sold with one product. A
    resource uses its own rules first, then its product's, then the general ones.
    """

    _name = "recurring.credit.rule"
    _description = "Credit Conversion Rule"
    _order = "credit_type_id, sequence, duration, id"
    _check_company_auto = True

    credit_type_id = fields.Many2one(
        "recurring.credit.type", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="credit_type_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Booking Unit", required=True, translate=True)
    duration = fields.Float(
        string="Duration (hours)",
        required=True,
        default=1.0,
        help="Length of one booking unit; a unit started is a unit due.",
    )
    credits = fields.Float(required=True, default=1.0, digits=(16, 2))
    resource_id = fields.Many2one(
        "recurring.booking.resource",
        check_company=True,
        ondelete="cascade",
        help="Only for this resource. Leave empty for every resource using this credit type.",
    )
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        help="Only for the resources sold with this product.",
    )
    unit_label = fields.Char(related="credit_type_id.unit_label")

    _sql_constraints = [
        ("duration_positive", "CHECK(duration > 0)", "A booking unit lasts more than zero hours."),
        ("credits_positive", "CHECK(credits >= 0)", "A booking unit cannot cost negative credits."),
    ]

    @api.depends("name", "duration", "credits", "unit_label")
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = self.env._(
                "%(unit)s = %(credits)s %(label)s",
                unit=rule.name or "",
                credits=rule.credits,
                label=rule.unit_label or "",
            )

    def _get_minutes(self):
        self.ensure_one()
        return max(round(self.duration * 60), 1)
