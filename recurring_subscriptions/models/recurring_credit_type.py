import math

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import BILLING_UNIT_SELECTION
from ..utils import credit_ledger


class RecurringCreditType(models.Model):
    """A kind of booking credit ("half-day ticket", "meeting room hour")."""

    _name = "recurring.credit.type"
    _description = "Credit Type"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    unit_label = fields.Char(
        string="Unit",
        required=True,
        translate=True,
        default=lambda self: self.env._("credit"),
        help="What one credit is called, e.g. half-day ticket, hour.",
    )
    validity_interval = fields.Integer(
        string="Valid For",
        default=0,
        help="How long a grant can be spent, counted from the grant. 0: never expires.",
    )
    validity_unit = fields.Selection(BILLING_UNIT_SELECTION, default="month", required=True)
    reversal_validity_days = fields.Integer(
        string="Grace After Cancellation (days)",
        default=7,
        help="Credits given back by a cancelled booking return to their grant while it is "
        "valid. When that grant has expired meanwhile, they come back as a new grant valid "
        "this many days.",
    )
    expiry_reminder_days = fields.Integer(
        string="Expiry Reminder (days)",
        default=7,
        help="Email the customer this many days before unused credits expire (once per "
        "grant). 0: no reminder.",
    )
    notify_grant = fields.Boolean(
        string="Email Grants", default=True, help="Email the customer when credits are granted."
    )
    rule_ids = fields.One2many(
        "recurring.credit.rule", "credit_type_id", string="Conversion Rules", copy=True
    )
    validity_label = fields.Char(compute="_compute_validity_label", string="Validity")

    _sql_constraints = [
        ("validity_positive", "CHECK(validity_interval >= 0)", "A validity cannot be negative."),
        (
            "reversal_validity_positive",
            "CHECK(reversal_validity_days >= 0)",
            "The grace after cancellation cannot be negative.",
        ),
        (
            "expiry_reminder_positive",
            "CHECK(expiry_reminder_days >= 0)",
            "The expiry reminder cannot be negative.",
        ),
    ]

    @api.depends("validity_interval", "validity_unit")
    def _compute_validity_label(self):
        units = dict(self._fields["validity_unit"]._description_selection(self.env))
        for credit_type in self:
            if not credit_type.validity_interval:
                credit_type.validity_label = self.env._("Never expires")
            else:
                credit_type.validity_label = self.env._(
                    "%(count)s %(unit)s",
                    count=credit_type.validity_interval,
                    unit=units.get(credit_type.validity_unit, "").lower(),
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if (
            self.env["recurring.credit.entry"]
            .sudo()
            .search_count([("credit_type_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                self.env._("A credit type with ledger entries cannot be deleted; archive it.")
            )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_expiry_date(self, granted_on):
        """Last valid day of credits of this type granted on ``granted_on`` (or False)."""
        self.ensure_one()
        return (
            credit_ledger.expiry_date(granted_on, self.validity_unit, self.validity_interval)
            or False
        )

    def _get_regrant_expiry_date(self, today):
        """Expiry of credits given back after their grant has expired."""
        self.ensure_one()
        return fields.Date.add(today, days=self.reversal_validity_days)

    def _get_conversion_rules(self, resource):
        """Rules for ``resource``: its own, else its product's, else the general ones."""
        self.ensure_one()
        rules = self.rule_ids
        for candidates in (
            rules.filtered(lambda r: r.resource_id == resource),
            rules.filtered(
                lambda r: not r.resource_id and r.product_id and r.product_id == resource.product_id
            ),
            rules.filtered(lambda r: not r.resource_id and not r.product_id),
        ):
            if candidates:
                return candidates
        return rules.browse()

    def _get_credit_cost(self, resource, start, stop):
        """Credits of this type a booking of ``resource`` from ``start`` to ``stop`` costs.

        :rtype: decimal.Decimal
        """
        self.ensure_one()
        rules = self._get_conversion_rules(resource)
        if not rules:
            raise UserError(
                self.env._(
                    "No conversion rule tells how many %(unit)s a booking of %(resource)s "
                    "costs. Add one on the credit type %(type)s.",
                    unit=self.unit_label,
                    resource=resource.display_name,
                    type=self.display_name,
                )
            )
        minutes = math.ceil((stop - start).total_seconds() / 60)
        try:
            return credit_ledger.credit_cost(
                minutes,
                [credit_ledger.Rule(rule._get_minutes(), rule.credits) for rule in rules],
            )
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The cost in %(unit)s of this booking of %(resource)s cannot be computed "
                    "(%(error)s). Book a shorter slot.",
                    unit=self.unit_label,
                    resource=resource.display_name,
                    error=error,
                )
            ) from error
