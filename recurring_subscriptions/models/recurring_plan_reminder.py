from odoo import api, fields, models


class RecurringPlan(models.Model):
    """Renewal reminders: how many days before a renewal the customer is told."""

    _inherit = "recurring.plan"

    reminder_days = fields.Integer(
        string="Renewal Reminder (days)",
        compute="_compute_reminder_days",
        store=True,
        readonly=False,
        precompute=True,
        help="Email the customer this many days before each renewal (date, amount, card, "
        "links to manage or cancel); 0 turns reminders off. On by default for yearly "
        "plans.",
    )

    _sql_constraints = [
        ("reminder_days_positive", "CHECK(reminder_days >= 0)", "Reminders cannot be negative."),
    ]

    @api.depends("billing_unit")
    def _compute_reminder_days(self):
        for plan in self:
            plan.reminder_days = 15 if plan.billing_unit == "year" else 0
