from odoo import fields, models

from ..const import EXPIRING_SOON_DAYS
from ..utils.charge_batch import ChargeBatch


class ResPartner(models.Model):
    _inherit = "res.partner"

    recurring_subscription_ids = fields.One2many("recurring.subscription", "partner_id")
    recurring_subscription_count = fields.Integer(
        string="Subscriptions", compute="_compute_recurring_subscription_count"
    )

    def _compute_recurring_subscription_count(self):
        counts = dict(
            self.env["recurring.subscription"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.recurring_subscription_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_recurring_subscriptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_subscription_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Credits and bookings (balance always derived from recurring.credit.entry)
    # ------------------------------------------------------------------

    recurring_credit_balance = fields.Float(
        string="Credits",
        compute="_compute_recurring_credit_balance",
        digits=(16, 2),
        help="Credits left, all credit types together.",
    )
    recurring_booking_count = fields.Integer(
        string="Bookings", compute="_compute_recurring_booking_count"
    )

    def _compute_recurring_credit_balance(self):
        balances = dict(
            self.env["recurring.credit.entry"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["quantity:sum"],
            )
        )
        for partner in self:
            partner.recurring_credit_balance = balances.get(partner.commercial_partner_id, 0.0)

    def _compute_recurring_booking_count(self):
        counts = dict(
            self.env["recurring.booking"]._read_group(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "=", "confirmed"),
                ],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.recurring_booking_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_recurring_credit_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_credit_entry_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_by_credit_type": 1}
        return action

    def action_view_recurring_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_booking_action"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Balance, history, expiring credits, coming bookings (back office and portal)
    # ------------------------------------------------------------------

    def _get_credit_balances(self, company=None):
        """Credits left per credit type: ``{credit type: quantity}`` (zero balances left out)."""
        self.ensure_one()
        domain = [("partner_id", "=", self.commercial_partner_id.id)]
        if company:
            domain.append(("company_id", "=", company.id))
        groups = self.env["recurring.credit.entry"]._read_group(
            domain, ["credit_type_id"], ["quantity:sum"]
        )
        return {credit_type: total for credit_type, total in groups if total}

    def _get_credit_history(self, limit=None, company=None):
        """Ledger entries of this customer, newest first."""
        self.ensure_one()
        domain = [("partner_id", "=", self.commercial_partner_id.id)]
        if company:
            domain.append(("company_id", "=", company.id))
        return self.env["recurring.credit.entry"].search(domain, limit=limit)

    def _get_expiring_credits(self, days=EXPIRING_SOON_DAYS, company=None):
        """Grant rows with credits left that expire within ``days`` days, soonest first."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        domain = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("is_grant", "=", True),
            ("remaining", ">", 0),
            ("expiry_date", ">=", today),
            ("expiry_date", "<=", fields.Date.add(today, days=days)),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        return self.env["recurring.credit.entry"].search(domain, order="expiry_date, id")

    def _get_upcoming_bookings(self, limit=None):
        """Confirmed bookings of this customer that have not ended, soonest first."""
        self.ensure_one()
        return self.env["recurring.booking"].search(
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("state", "=", "confirmed"),
                ("stop", ">", fields.Datetime.now()),
            ],
            order="start, id",
            limit=limit,
        )

    # ------------------------------------------------------------------
    # Portal: booking history (the credits portal, controllers/portal_credit.py)
    # ------------------------------------------------------------------

    def _get_past_bookings(self, limit=None):
        """Bookings of this customer that ended or were cancelled, newest first."""
        self.ensure_one()
        return self.env["recurring.booking"].search(
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                "|",
                ("state", "=", "cancelled"),
                "&",
                ("state", "=", "confirmed"),
                ("stop", "<=", fields.Datetime.now()),
            ],
            order="start desc, id desc",
            limit=limit,
        )

    # ------------------------------------------------------------------
    # Renewal charges
    # ------------------------------------------------------------------

    def _increase_rank(self, field, n=1):
        """Inside a batch of renewal charges, ranks rise in bulk at the end of the
        batch (``payment.transaction._recurring_apply_batch``), not once per payment."""
        batch = self.env.context.get("recurring_charge_batch")
        if isinstance(batch, ChargeBatch) and self.ids:
            batch.add_rank(field, self.ids, n)
            return
        super()._increase_rank(field, n=n)
