from odoo import fields, models

PERIOD_LABEL_SELECTION = [
    ("delivery", "Delivery"),
    ("period", "Period"),
    ("unit", "Billing unit (day, week, month, year)"),
]


class RecurringPlan(models.Model):
    """How customers read a plan (what one period is called, plurals, labels) and its
    free trial rules (one per customer, credits during the trial)."""

    _inherit = "recurring.plan"

    period_label = fields.Selection(
        PERIOD_LABEL_SELECTION,
        string="A Period Is Called",
        default="delivery",
        required=True,
        help="The word customers read for one period: 'delivery' for boxes that are "
        "shipped, 'period' or the billing unit ('month') for services.",
    )

    def _get_period_key(self):
        self.ensure_one()
        return self.billing_unit if self.period_label == "unit" else self.period_label

    def _get_period_word(self):
        """One period, e.g. "delivery", "period", "month"."""
        self.ensure_one()
        _ = self.env._
        return {
            "delivery": _("delivery"),
            "period": _("period"),
            "day": _("day"),
            "week": _("week"),
            "month": _("month"),
            "year": _("year"),
        }[self._get_period_key()]

    def _get_period_word_plural(self):
        """Several periods, e.g. "deliveries", "periods", "months"."""
        self.ensure_one()
        _ = self.env._
        return {
            "delivery": _("deliveries"),
            "period": _("periods"),
            "day": _("days"),
            "week": _("weeks"),
            "month": _("months"),
            "year": _("years"),
        }[self._get_period_key()]

    def _get_period_count_label(self, count):
        """``count`` periods with the right plural, e.g. "1 delivery", "10 months"."""
        self.ensure_one()
        _ = self.env._
        key = self._get_period_key()
        if count == 1:
            return {
                "delivery": _("1 delivery"),
                "period": _("1 period"),
                "day": _("1 day"),
                "week": _("1 week"),
                "month": _("1 month"),
                "year": _("1 year"),
            }[key]
        return {
            "delivery": _("%(count)s deliveries", count=count),
            "period": _("%(count)s periods", count=count),
            "day": _("%(count)s days", count=count),
            "week": _("%(count)s weeks", count=count),
            "month": _("%(count)s months", count=count),
            "year": _("%(count)s years", count=count),
        }[key]

    def _get_coming_periods_title(self):
        """The portal's heading of the coming periods, e.g. "Coming deliveries"."""
        self.ensure_one()
        return self.env._("Coming %(periods)s", periods=self._get_period_word_plural())

    def _get_start_label(self):
        """The product page's start date label, e.g. "First delivery (optional)"."""
        self.ensure_one()
        return self.env._("First %(period)s (optional)", period=self._get_period_word())

    def _get_end_after_count_label(self):
        """The product page's end choice, e.g. "After a number of deliveries"."""
        self.ensure_one()
        return self.env._("After a number of %(periods)s", periods=self._get_period_word_plural())

    def _get_display_label(self):
        """The plan's name with its recurrence, without saying it twice: "Monthly" for a
        plan named "Monthly" that renews monthly, "Premium, monthly" otherwise."""
        self.ensure_one()
        label = self.recurrence_label or ""
        if not label or label.strip().lower() in (self.name or "").strip().lower():
            return self.name
        return self.env._("%(plan)s, %(recurrence)s", plan=self.name, recurrence=label)

    trial_once_per_customer = fields.Boolean(
        string="One Trial per Customer",
        default=True,
        help="A customer (company and its contacts) who already had this plan's free trial "
        "starts a new subscription to it without trial.",
    )
    trial_grants_credits = fields.Boolean(
        string="Grant Credits During the Trial",
        help="Customers in their free trial receive the credits of one period when the "
        "trial starts.",
    )

    def _has_trial_for(self, partner, exclude=None):
        """Whether a new subscription of ``partner`` to this plan gets the free trial.

        :param exclude: subscriptions not to count (the one being started)
        """
        self.ensure_one()
        if not self.trial_interval:
            return False
        if not self.trial_once_per_customer or not partner:
            return True
        domain = [
            ("plan_id", "=", self.id),
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("trial_end_date", "!=", False),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        return not self.env["recurring.subscription"].sudo().search_count(domain, limit=1)
