import random

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Command

from ..utils import mrr, periods

# Subscription states that bring recurring revenue (trials, paused and future ones do not).
MRR_STATES = ("active", "past_due")
# Subscription fields whose change may move the MRR.
MRR_TRIGGER_FIELDS = frozenset(
    {"state", "payment_suspended", "plan_id", "pricelist_id", "currency_id", "company_id"}
)


class RecurringSubscription(models.Model):
    """Monthly recurring revenue of a subscription and its movement log.

    ``recurring_mrr`` is stored and normalised to one month (see ``utils/mrr.py``),
    after discounts, without taxes, in the company currency. Every change that moves it
    writes one ``recurring.mrr.movement`` through one hook, ``_sync_mrr_movements``:
    it compares the MRR with the last logged one (``recurring_mrr_logged``), so it can
    be called as often as needed and never logs a change twice. Renewals do not move
    MRR and never call it.
    """

    _inherit = "recurring.subscription"

    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    recurring_mrr_currency = fields.Monetary(
        string="MRR (Currency)",
        compute="_compute_recurring_mrr",
        store=True,
        currency_field="currency_id",
        help="Monthly recurring revenue in the subscription's currency.",
    )
    recurring_mrr = fields.Monetary(
        string="MRR",
        compute="_compute_recurring_mrr",
        store=True,
        currency_field="company_currency_id",
        help="Monthly recurring revenue: the lines after discounts, without taxes, "
        "normalised to one month and converted to the company currency. Only active and "
        "past-due subscriptions bring revenue.",
    )
    recurring_arr = fields.Monetary(
        string="ARR",
        compute="_compute_recurring_mrr",
        store=True,
        currency_field="company_currency_id",
        help="Annual recurring revenue: 12 x MRR.",
    )
    recurring_mrr_logged = fields.Monetary(
        string="Logged MRR",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="MRR at the last movement written in the log (subscription currency).",
    )
    mrr_movement_ids = fields.One2many(
        "recurring.mrr.movement", "subscription_id", string="MRR Movements"
    )

    @api.depends("user_id", "company_id")
    def _compute_team_id(self):
        cache = {}
        for sub in self:
            key = (sub.user_id.id, sub.company_id.id)
            if key not in cache:
                cache[key] = self.env["crm.team"]._get_default_team_id(
                    user_id=sub.user_id.id,
                    domain=self.env["crm.team"]._check_company_domain(sub.company_id.id),
                )
            sub.team_id = sub.team_id or cache[key]

    @api.depends(
        "state",
        "payment_suspended",
        "plan_id.billing_unit",
        "plan_id.billing_interval",
        "line_ids.quantity",
        "line_ids.price_unit",
        "line_ids.discount",
        "currency_id",
        "company_id",
    )
    def _compute_recurring_mrr(self):
        today = fields.Date.context_today(self)
        for sub in self:
            if sub.state not in MRR_STATES or sub.payment_suspended or not sub.plan_id:
                sub.recurring_mrr_currency = sub.recurring_mrr = sub.recurring_arr = 0.0
                continue
            billed = sum(
                line.quantity * line.price_unit * (1 - (line.discount or 0.0) / 100.0)
                for line in sub.line_ids
            )
            currency = sub.currency_id or sub.company_id.currency_id
            monthly = currency.round(
                mrr.monthly_amount(billed, sub.plan_id.billing_unit, sub.plan_id.billing_interval)
            )
            company_currency = sub.company_id.currency_id
            in_company = (
                currency._convert(monthly, company_currency, sub.company_id, today)
                if currency != company_currency
                else monthly
            )
            sub.recurring_mrr_currency = monthly
            sub.recurring_mrr = in_company
            sub.recurring_arr = company_currency.round(in_company * 12)

    @api.model_create_multi
    def create(self, vals_list):
        subs = super().create(vals_list)
        subs._sync_mrr_movements()
        return subs

    def write(self, vals):
        result = super().write(vals)
        if MRR_TRIGGER_FIELDS.intersection(vals):
            self._sync_mrr_movements()
        return result

    def _sync_mrr_movements(self, date=None):
        """Log one MRR movement for each subscription whose MRR changed since the last one.

        :param date: date of the movements (default: the ``recurring_mrr_date`` context
            key, else today, or the close date when the subscription closed)
        """
        moved = self.filtered(
            lambda s: (
                s.currency_id.compare_amounts(s.recurring_mrr_currency, s.recurring_mrr_logged) != 0
            )
        )
        if not moved:
            return self.env["recurring.mrr.movement"]
        date = date or self.env.context.get("recurring_mrr_date")
        today = date or fields.Date.context_today(self)
        history = dict(
            self.env["recurring.mrr.movement"]
            .sudo()
            ._read_group([("subscription_id", "in", moved.ids)], ["subscription_id"], ["date:min"])
        )
        vals_list = []
        for sub in moved:
            old, new = sub.recurring_mrr_logged, sub.recurring_mrr_currency
            kind = mrr.movement_type(old, new, sub in history)
            day = (sub.close_date if sub.state == "closed" and not date else None) or today
            company_currency = sub.company_id.currency_id
            delta = new - old
            first_day = history.get(sub) or day
            vals_list.append(
                {
                    "date": day,
                    "movement_type": kind,
                    "subscription_id": sub.id,
                    "subscription_state": sub.state,
                    "subscription_start_month": first_day.replace(day=1),
                    "plan_id": sub.plan_id.id,
                    "partner_id": sub.commercial_partner_id.id,
                    "user_id": sub.user_id.id,
                    "team_id": sub.team_id.id,
                    "company_id": sub.company_id.id,
                    "close_reason_id": sub.close_reason_id.id if kind == mrr.CHURN else False,
                    "currency_id": sub.currency_id.id,
                    "amount": delta,
                    "company_currency_id": company_currency.id,
                    "amount_company": (
                        sub.currency_id._convert(delta, company_currency, sub.company_id, day)
                        if sub.currency_id != company_currency
                        else delta
                    ),
                    "mrr_after": sub.recurring_mrr,
                    "is_logo_churn": kind == mrr.CHURN and sub.state == "closed",
                }
            )
        movements = self.env["recurring.mrr.movement"].sudo().create(vals_list)
        for sub in moved:
            sub.sudo().recurring_mrr_logged = sub.recurring_mrr_currency
        return movements

    # ------------------------------------------------------------------
    # Demo data: a year of MRR history (called from demo/recurring_mrr_demo.xml)
    # ------------------------------------------------------------------

    @api.model
    def _demo_create_mrr_history(self, count=40, seed=2026):
        """Subscriptions started over the last year, some upgraded, downgraded, paused or
        closed on past dates, through the same MRR hook as real changes."""
        rng = random.Random(seed)
        today = fields.Date.context_today(self)
        reasons = self.env["recurring.close.reason"].search([])
        offers = []
        for xmlid, product_xmlid in (
            ("recurring_subscriptions.plan_weekly_demo", "product_vegetable_box_demo"),
            ("recurring_subscriptions.plan_monthly_demo", "product_coworking_membership_demo"),
            ("recurring_subscriptions.plan_yearly_demo", "product_coworking_membership_demo"),
        ):
            plan = self.env.ref(xmlid, raise_if_not_found=False)
            product = self.env.ref(
                f"recurring_subscriptions.{product_xmlid}", raise_if_not_found=False
            )
            if plan and product:
                offers.append((plan, product))
        if not offers:
            return self
        partners = self.env["res.partner"].create(
            [{"name": f"Demo subscriber {i + 1:02d}"} for i in range(count)]
        )
        subs = self
        for partner in partners:
            plan, product = rng.choice(offers)
            start = today - relativedelta(days=rng.randint(5, 360))
            unit, interval = plan.billing_unit, plan.billing_interval
            index = periods.period_index_at(start, unit, interval, today)
            sub = self.with_context(recurring_mrr_date=start).create(
                {
                    "partner_id": partner.id,
                    "plan_id": plan.id,
                    "start_date": start,
                    "anchor_date": start,
                    "next_date": periods.period_start(start, unit, interval, index + 1),
                    "state": "active",
                    "line_ids": [
                        Command.create(
                            {"product_id": product.id, "quantity": rng.choice((1, 1, 1, 2, 3))}
                        )
                    ],
                }
            )
            subs |= sub
            day = start
            for _step in range(rng.choice((0, 0, 1, 1, 2))):
                day = day + relativedelta(days=rng.randint(20, 90))
                if day >= today:
                    break
                line = sub.line_ids[:1]
                change = 1 if rng.random() < 0.7 or line.quantity <= 1 else -1
                line.with_context(recurring_mrr_date=day).quantity = line.quantity + change
            if rng.random() < 0.25:
                end = day + relativedelta(days=rng.randint(15, 120))
                if end < today:
                    sub.with_context(recurring_mrr_date=end)._action_close(
                        rng.choice(reasons) if reasons else None, end
                    )
                    continue
            if rng.random() < 0.06:
                sub.with_context(recurring_mrr_date=today).action_pause()
        subs._plan_occurrences()
        return subs
