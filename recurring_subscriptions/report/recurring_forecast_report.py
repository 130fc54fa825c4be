from odoo import fields, models, tools


class RecurringForecastReport(models.Model):
    """What the planned periods will bill: one row per coming period.

    The menu opens it on the next 12 months. Read from the materialised periods
    (``recurring.subscription.occurrence``): skipped periods, periods after the end date
    or after a cancellation scheduled at the end of the current period, and
    subscriptions that are paused, suspended or closed are left out. Amounts are the
    subscription lines at their current price, after discounts, without taxes (lines
    priced from the pricelist may be priced otherwise at renewal).
    """

    _name = "recurring.forecast.report"
    _description = "Subscriptions: Revenue Forecast"
    _auto = False
    _order = "period_start"
    _rec_name = "subscription_id"
    _depends = {
        "recurring.subscription.occurrence": ["subscription_id", "period_start", "state"],
        "recurring.subscription": [
            "state",
            "payment_suspended",
            "end_date",
            "cancel_at_period_end",
            "next_date",
            "plan_id",
            "commercial_partner_id",
            "user_id",
            "team_id",
            "company_id",
            "currency_id",
        ],
        "recurring.subscription.line": ["subscription_id", "quantity", "price_unit", "discount"],
        "res.currency.rate": ["rate", "name", "currency_id", "company_id"],
    }

    period_start = fields.Date(string="Billing Date", readonly=True)
    occurrence_id = fields.Many2one("recurring.subscription.occurrence", readonly=True)
    subscription_id = fields.Many2one("recurring.subscription", readonly=True)
    plan_id = fields.Many2one("recurring.plan", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(string="Amount (Currency)", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    amount_company = fields.Monetary(
        string="Amount", currency_field="company_currency_id", readonly=True
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            WITH totals AS (
                SELECT subscription_id,
                       SUM(quantity * price_unit * (1 - COALESCE(discount, 0) / 100.0)) AS amount
                  FROM recurring_subscription_line
                 GROUP BY subscription_id
            ), rates AS (
                SELECT DISTINCT ON (currency_id, company_id) currency_id, company_id, rate
                  FROM res_currency_rate
                 WHERE name <= CURRENT_DATE
                 ORDER BY currency_id, company_id, name DESC
            )
            SELECT o.id,
                   o.id AS occurrence_id,
                   o.period_start,
                   s.id AS subscription_id,
                   s.plan_id,
                   s.commercial_partner_id AS partner_id,
                   s.user_id,
                   s.team_id,
                   s.company_id,
                   s.currency_id,
                   t.amount,
                   c.currency_id AS company_currency_id,
                   CASE WHEN s.currency_id = c.currency_id THEN t.amount
                        ELSE t.amount / COALESCE(r.rate, 1.0) END AS amount_company
              FROM recurring_subscription_occurrence o
              JOIN recurring_subscription s ON s.id = o.subscription_id
              JOIN res_company c ON c.id = s.company_id
              JOIN totals t ON t.subscription_id = s.id
              LEFT JOIN rates r ON r.currency_id = s.currency_id AND r.company_id = s.company_id
             WHERE o.state = 'planned'
               AND s.state IN ('future', 'trial', 'active', 'past_due')
               AND s.payment_suspended IS NOT TRUE
               AND (s.end_date IS NULL OR o.period_start <= s.end_date)
               AND (s.cancel_at_period_end IS NOT TRUE OR o.period_start < s.next_date)
            )
            """
        )
