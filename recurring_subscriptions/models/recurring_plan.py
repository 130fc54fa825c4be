from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import BILLING_UNIT_SELECTION, PAYMENT_MODE_SELECTION


class RecurringPlan(models.Model):
    _name = "recurring.plan"
    _description = "Recurring Plan"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    description = fields.Html(translate=True, help="Shown to customers.")
    terms = fields.Html(
        string="Terms and Conditions",
        translate=True,
        help="Shown to customers before they subscribe.",
    )

    # Recurrence
    billing_interval = fields.Integer(string="Every", default=1, required=True)
    billing_unit = fields.Selection(BILLING_UNIT_SELECTION, default="month", required=True)
    trial_interval = fields.Integer(
        string="Trial", default=0, help="Length of the free trial; 0 means no trial."
    )
    trial_unit = fields.Selection(BILLING_UNIT_SELECTION, default="day", required=True)
    duration_type = fields.Selection(
        [("forever", "Until cancelled"), ("limited", "Fixed number of periods")],
        default="forever",
        required=True,
    )
    duration_count = fields.Integer(string="Number of Periods", default=12)

    # What each renewal does
    create_order = fields.Boolean(
        default=True,
        help="Create a sale order for each period. When off, the period is invoiced "
        "directly from the subscription, without a sale order.",
    )
    confirm_order = fields.Boolean(default=True)
    post_invoice = fields.Boolean(string="Invoice and Post", default=True)
    payment_mode = fields.Selection(PAYMENT_MODE_SELECTION, default="token", required=True)
    close_on_source_cancel = fields.Boolean(
        string="Close When Source Order Is Cancelled",
        help="Close the subscriptions of a sale order when that order is cancelled.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Invoicing Journal",
        domain="[('type', '=', 'sale')]",
        check_company=True,
    )

    # Dunning: what happens when a renewal payment fails
    dunning_retry_days = fields.Char(
        string="Retry Schedule (days)",
        default="1,3,7",
        required=True,
        help="Days after the first failed payment of an invoice on which the saved payment "
        "method is charged again, separated by commas.",
    )
    dunning_max_attempts = fields.Integer(
        string="Maximum Attempts",
        default=4,
        help="Charges tried for one invoice, the first one included.",
    )
    dunning_final_action = fields.Selection(
        [
            ("suspend", "Suspend: no more orders until paid"),
            ("close", "Close the subscription"),
        ],
        default="suspend",
        required=True,
        help="What happens when the last attempt fails.",
    )

    # Credits: booking credits granted each period (see recurring.credit.entry)
    credit_type_id = fields.Many2one(
        "recurring.credit.type",
        check_company=True,
        help="Booking credits granted to subscribers every period.",
    )
    credit_quantity = fields.Float(string="Credits per Period", digits=(16, 2))
    credit_grant_on = fields.Selection(
        [
            ("start", "When the period starts"),
            ("paid", "When the period's invoice is paid"),
        ],
        string="Grant Credits",
        default="start",
        required=True,
    )

    # Customer permissions (used by the portal)
    customer_can_skip = fields.Boolean(string="Customers May Skip Periods", default=True)
    customer_can_pause = fields.Boolean(string="Customers May Pause", default=True)
    customer_can_cancel = fields.Boolean(string="Customers May Cancel", default=True)
    customer_can_change_quantity = fields.Boolean(
        string="Customers May Change Quantities", default=True
    )
    cutoff_hours = fields.Integer(
        string="Cutoff (hours)",
        default=48,
        help="Hours before a renewal after which customers can no longer change the coming order.",
    )

    line_ids = fields.One2many("recurring.plan.line", "plan_id", string="Template Lines", copy=True)
    product_plan_ids = fields.One2many("recurring.product.plan", "plan_id", string="Products")
    subscription_ids = fields.One2many("recurring.subscription", "plan_id")
    subscription_count = fields.Integer(compute="_compute_subscription_count")
    recurrence_label = fields.Char(compute="_compute_recurrence_label")

    _sql_constraints = [
        (
            "billing_interval_positive",
            "CHECK(billing_interval >= 1)",
            "The billing interval must be at least 1.",
        ),
        (
            "trial_interval_positive",
            "CHECK(trial_interval >= 0)",
            "The trial length cannot be negative.",
        ),
        ("cutoff_positive", "CHECK(cutoff_hours >= 0)", "The cutoff cannot be negative."),
    ]

    def _compute_subscription_count(self):
        counts = dict(
            self.env["recurring.subscription"]._read_group(
                [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.subscription_count = counts.get(plan, 0)

    @api.depends("billing_interval", "billing_unit")
    def _compute_recurrence_label(self):
        for plan in self:
            plan.recurrence_label = plan._get_recurrence_label()

    @api.constrains("billing_interval", "trial_interval", "duration_type", "duration_count")
    def _check_recurrence(self):
        for plan in self:
            if plan.billing_interval < 1:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: the billing interval must be at least 1.", plan=plan.name
                    )
                )
            if plan.trial_interval < 0:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: the trial length cannot be negative.", plan=plan.name
                    )
                )
            if plan.duration_type == "limited" and plan.duration_count < 1:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: a fixed-length plan needs at least one period.",
                        plan=plan.name,
                    )
                )

    @api.constrains("dunning_retry_days", "dunning_max_attempts")
    def _check_dunning(self):
        for plan in self:
            try:
                plan._get_retry_days()
            except ValueError:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: the retry schedule must list whole numbers of days "
                        "in increasing order, e.g. 1,3,7.",
                        plan=plan.name,
                    )
                ) from None
            if plan.dunning_max_attempts < 1:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: at least one payment attempt is needed.", plan=plan.name
                    )
                )

    @api.constrains("credit_type_id", "credit_quantity")
    def _check_credits(self):
        for plan in self:
            if plan.credit_quantity < 0 or (plan.credit_type_id and not plan.credit_quantity):
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: the credits granted per period must be positive.",
                        plan=plan.name,
                    )
                )

    @api.constrains("create_order", "confirm_order", "post_invoice")
    def _check_renewal_steps(self):
        for plan in self:
            if plan.create_order and plan.post_invoice and not plan.confirm_order:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: an order must be confirmed before it can be invoiced. "
                        "Enable 'Confirm Order' or disable 'Invoice and Post'.",
                        plan=plan.name,
                    )
                )
            if not plan.create_order and not plan.post_invoice:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: without a sale order, a renewal must at least "
                        "create an invoice.",
                        plan=plan.name,
                    )
                )

    @api.onchange("create_order")
    def _onchange_create_order(self):
        if not self.create_order:
            self.confirm_order = False
            self.post_invoice = True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.subscription_ids:
            raise ValidationError(
                self.env._("A plan used by subscriptions cannot be deleted; archive it instead.")
            )

    def _get_retry_days(self):
        """The retry offsets in days, e.g. [1, 3, 7]; ValueError when malformed."""
        self.ensure_one()
        text = (self.dunning_retry_days or "").replace(" ", "")
        days = [int(part) for part in text.split(",") if part] if text else []
        if any(day < 1 for day in days) or days != sorted(set(days)):
            raise ValueError(text)
        return days

    def _get_recurrence_label(self):
        """Human label of the recurrence, e.g. "every 2 weeks".

        One sentence per unit, so that translations can agree with the unit
        (French: "tous les 2 jours" but "toutes les 2 semaines").
        """
        self.ensure_one()
        count = self.billing_interval
        _ = self.env._
        if count == 1:
            labels = {
                "day": _("daily"),
                "week": _("weekly"),
                "month": _("monthly"),
                "year": _("yearly"),
            }
        else:
            labels = {
                "day": _("every %(count)s days", count=count),
                "week": _("every %(count)s weeks", count=count),
                "month": _("every %(count)s months", count=count),
                "year": _("every %(count)s years", count=count),
            }
        return labels.get(self.billing_unit, "")

    def action_view_subscriptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recurring_subscriptions.recurring_subscription_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action
