from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class RecurringDiscountCode(models.Model):
    """A code a subscription can use for a discount on its next periods (or forever)."""

    _name = "recurring.discount.code"
    _description = "Subscription Discount Code"
    _order = "code"
    _rec_name = "code"

    code = fields.Char(required=True, index=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    percent = fields.Float(string="Discount (%)", digits="Discount", required=True)
    duration_type = fields.Selection(
        [("periods", "For a number of periods"), ("forever", "Forever")],
        default="periods",
        required=True,
    )
    duration_periods = fields.Integer(string="Periods", default=3)
    date_from = fields.Date(string="Valid From")
    date_to = fields.Date(string="Valid Until")
    plan_ids = fields.Many2many(
        "recurring.plan", string="Plans", help="Empty: valid for every plan."
    )
    subscription_ids = fields.One2many("recurring.subscription", "discount_code_id")

    _sql_constraints = [
        ("code_company_unique", "UNIQUE(code, company_id)", "This discount code already exists."),
    ]

    @api.constrains("percent", "duration_type", "duration_periods", "date_from", "date_to")
    def _check_values(self):
        for code in self:
            if not 0 < code.percent <= 100:
                raise ValidationError(self.env._("A discount code gives between 0 and 100% off."))
            if code.duration_type == "periods" and code.duration_periods < 1:
                raise ValidationError(self.env._("A discount code lasts at least one period."))
            if code.date_from and code.date_to and code.date_to < code.date_from:
                raise ValidationError(self.env._("A discount code cannot end before it starts."))

    @api.model
    def _find_valid(self, code, subscription, today):
        """The code ``code`` usable by ``subscription`` on ``today``.

        :raise UserError: unknown, expired or not valid for this plan
        """
        found = self.sudo().search(
            [
                ("code", "=ilike", (code or "").strip()),
                ("company_id", "in", [False, subscription.company_id.id]),
            ],
            limit=1,
        )
        if not found or (found.date_from and found.date_from > today):
            raise UserError(self.env._("This discount code does not exist."))
        if found.date_to and found.date_to < today:
            raise UserError(self.env._("This discount code has expired."))
        if found.plan_ids and subscription.plan_id not in found.plan_ids:
            raise UserError(self.env._("This discount code is not valid for your plan."))
        return found
