from odoo import fields, models, tools


class RecurringMrrReport(models.Model):
    """Monthly revenue figures per company, read from the MRR movement log.

    One row per company and month: MRR and paying subscriptions at the start of the
    month, what moved during it, and the churn rates. Rates are computed per row; the
    pivot shows them per month (their aggregator is ``max``: one row per month and
    company).
    """

    _name = "recurring.mrr.report"
    _description = "Subscriptions: Monthly Revenue and Churn"
    _auto = False
    _order = "month desc"
    _rec_name = "month"
    _depends = {
        "recurring.mrr.movement": [
            "company_id",
            "date",
            "subscription_id",
            "movement_type",
            "amount_company",
            "is_logo_churn",
        ],
    }

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    mrr_start = fields.Monetary(string="MRR at Start", readonly=True)
    mrr_end = fields.Monetary(string="MRR at End", readonly=True)
    customers_start = fields.Integer(string="Subscriptions at Start", readonly=True)
    new_mrr = fields.Monetary(string="New MRR", readonly=True)
    expansion_mrr = fields.Monetary(string="Expansion MRR", readonly=True)
    reactivation_mrr = fields.Monetary(string="Reactivation MRR", readonly=True)
    contraction_mrr = fields.Monetary(string="Contraction MRR", readonly=True)
    churned_mrr = fields.Monetary(string="Churned MRR", readonly=True)
    net_new_mrr = fields.Monetary(string="Net New MRR", readonly=True)
    lost_customers = fields.Integer(string="Customers Lost", readonly=True)
    logo_churn_rate = fields.Float(
        string="Logo Churn (%)",
        aggregator="max",
        digits=(16, 2),
        readonly=True,
        help="Subscriptions closed during the month / paying subscriptions at its start.",
    )
    revenue_churn_rate = fields.Float(
        string="Revenue Churn (%)",
        aggregator="max",
        digits=(16, 2),
        readonly=True,
        help="MRR lost to churn and contraction during the month / MRR at its start.",
    )
    arpu = fields.Monetary(
        string="ARPU",
        aggregator="max",
        readonly=True,
        help="Average MRR per paying subscription at the start of the month.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            WITH moves AS (
                SELECT company_id,
                       date_trunc('month', date)::date AS month,
                       SUM(amount_company) FILTER (WHERE movement_type = 'new') AS new_mrr,
                       SUM(amount_company) FILTER (WHERE movement_type = 'expansion')
                           AS expansion_mrr,
                       SUM(amount_company) FILTER (WHERE movement_type = 'reactivation')
                           AS reactivation_mrr,
                       -SUM(amount_company) FILTER (WHERE movement_type = 'contraction')
                           AS contraction_mrr,
                       -SUM(amount_company) FILTER (WHERE movement_type = 'churn') AS churned_mrr,
                       SUM(amount_company) AS net_new_mrr,
                       -- MRR goes from 0 to positive only by new or reactivation, back to 0
                       -- only by churn: the paying subscriptions follow these counts.
                       SUM(CASE WHEN movement_type IN ('new', 'reactivation') THEN 1
                                WHEN movement_type = 'churn' THEN -1
                                ELSE 0 END) AS paying_delta,
                       COUNT(DISTINCT subscription_id) FILTER (WHERE is_logo_churn)
                           AS lost_customers
                  FROM recurring_mrr_movement
                 GROUP BY company_id, date_trunc('month', date)
            ), months AS (
                SELECT b.company_id, gs::date AS month
                  FROM (SELECT company_id, MIN(month) AS first_month
                          FROM moves GROUP BY company_id) b
                 CROSS JOIN LATERAL generate_series(
                       b.first_month,
                       GREATEST(b.first_month, date_trunc('month', CURRENT_DATE)::date),
                       interval '1 month') gs
            ), running AS (
                SELECT mo.company_id, mo.month, mv.new_mrr, mv.expansion_mrr,
                       mv.reactivation_mrr, mv.contraction_mrr, mv.churned_mrr,
                       mv.net_new_mrr, mv.lost_customers,
                       COALESCE(SUM(mv.net_new_mrr) OVER w, 0) AS mrr_start,
                       COALESCE(SUM(mv.paying_delta) OVER w, 0) AS customers_start
                  FROM months mo
                  LEFT JOIN moves mv ON mv.company_id = mo.company_id AND mv.month = mo.month
                WINDOW w AS (PARTITION BY mo.company_id ORDER BY mo.month
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            )
            SELECT row_number() OVER (ORDER BY r.company_id, r.month) AS id,
                   r.month,
                   r.company_id,
                   c.currency_id,
                   r.mrr_start,
                   r.mrr_start + COALESCE(r.net_new_mrr, 0) AS mrr_end,
                   r.customers_start,
                   COALESCE(r.new_mrr, 0) AS new_mrr,
                   COALESCE(r.expansion_mrr, 0) AS expansion_mrr,
                   COALESCE(r.reactivation_mrr, 0) AS reactivation_mrr,
                   COALESCE(r.contraction_mrr, 0) AS contraction_mrr,
                   COALESCE(r.churned_mrr, 0) AS churned_mrr,
                   COALESCE(r.net_new_mrr, 0) AS net_new_mrr,
                   COALESCE(r.lost_customers, 0) AS lost_customers,
                   CASE WHEN r.customers_start > 0
                        THEN 100.0 * COALESCE(r.lost_customers, 0) / r.customers_start
                        ELSE 0 END AS logo_churn_rate,
                   CASE WHEN r.mrr_start > 0
                        THEN 100.0 * (COALESCE(r.churned_mrr, 0)
                                      + COALESCE(r.contraction_mrr, 0)) / r.mrr_start
                        ELSE 0 END AS revenue_churn_rate,
                   CASE WHEN r.customers_start > 0 THEN r.mrr_start / r.customers_start
                        ELSE 0 END AS arpu
              FROM running r
              JOIN res_company c ON c.id = r.company_id
            )
            """
        )
