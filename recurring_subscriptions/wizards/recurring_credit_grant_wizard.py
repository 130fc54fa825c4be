from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class RecurringCreditGrantWizard(models.TransientModel):
    """A manager grants credits by hand (or takes some back), with a reason.

    A positive quantity is a grant; a negative one is a correction spent FIFO
    like a booking. Either way the ledger gets new entries, never edits.
    """

    _name = "recurring.credit.grant.wizard"
    _description = "Grant Credits"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        default=lambda self: self._default_partner_id(),
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    credit_type_id = fields.Many2one(
        "recurring.credit.type",
        required=True,
        domain="[('company_id', 'in', (company_id, False))]",
    )
    unit_label = fields.Char(related="credit_type_id.unit_label")
    quantity = fields.Float(
        digits=(16, 2),
        required=True,
        default=1.0,
        help="Positive: credits granted. Negative: credits taken back (soonest expiry first).",
    )
    expiry_date = fields.Date(
        compute="_compute_expiry_date",
        store=True,
        readonly=False,
        help="Last day the credits can be spent; empty: never expire.",
    )
    reason = fields.Char(required=True)
    balance = fields.Float(string="Current Balance", compute="_compute_balance", digits=(16, 2))

    @api.model
    def _default_partner_id(self):
        if self.env.context.get("active_model") == "res.partner":
            return self.env.context.get("active_id")
        return False

    @api.depends("credit_type_id")
    def _compute_expiry_date(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.expiry_date = (
                wizard.credit_type_id._get_expiry_date(today) if wizard.credit_type_id else False
            )

    @api.depends("partner_id", "credit_type_id", "company_id")
    def _compute_balance(self):
        Entry = self.env["recurring.credit.entry"]
        for wizard in self:
            if wizard.partner_id and wizard.credit_type_id and wizard.company_id:
                wizard.balance = float(
                    Entry._get_available(
                        wizard.partner_id, wizard.credit_type_id, wizard.company_id
                    )
                )
            else:
                wizard.balance = 0.0

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("recurring_subscriptions.group_recurring_manager"):
            raise AccessError(self.env._("Only subscription administrators grant credits."))
        if not self.quantity:
            raise UserError(self.env._("Enter a quantity of credits."))
        Entry = self.env["recurring.credit.entry"]
        name = self.env._("Manual: %(reason)s", reason=self.reason)
        if self.quantity > 0:
            Entry._create_grants(
                [
                    {
                        "name": name,
                        "source": "manual",
                        "partner_id": self.partner_id.id,
                        "credit_type_id": self.credit_type_id.id,
                        "company_id": self.company_id.id,
                        "quantity": self.quantity,
                        "expiry_date": self.expiry_date,
                    }
                ]
            )
        else:
            Entry._consume(
                self.partner_id,
                self.credit_type_id,
                self.company_id,
                -self.quantity,
                {"name": name, "source": "manual"},
            )
        return {"type": "ir.actions.act_window_close"}
