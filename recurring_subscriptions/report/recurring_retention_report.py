from odoo import fields, models, tools


class RecurringRetentionReport(models.Model):
    """Cohorts: subscriptions by the month their revenue started and months survived.

    One row per subscription and month it brought (or still brings) revenue, counted
    from its first MRR movement until it closed (or until today). The pivot of start
    month x months survived, counting rows, is the classic retention table.
    """

    _name = "recurring.retention.report"
    _description = "Subscriptions: Retention by Start Month"
    _auto = False
    _order = "start_month desc, months_survived"
    _rec_name = "subscription_id"
    _depends = {
        "recurring.mrr.movement": ["subscription_id", "date"],
        "recurring.subscription": [
            "state",
            "close_date",
            "plan_id",
            "user_id",
            "team_id",
            "company_id",
        ],
    }

    subscription_id = fields.Many2one("recurring.subscription", readonly=True)
    start_month = fields.Date(readonly=True)
    months_survived = fields.Integer(string="Month", aggregator=False, readonly=True)
    plan_id = fields.Many2one("recurring.plan", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            WITH life AS (
                SELECT s.id AS subscription_id, s.plan_id, s.user_id, s.team_id, s.company_id,
                       date_trunc('month', MIN(m.date))::date AS start_month,
                       CASE WHEN s.state = 'closed' THEN COALESCE(s.close_date, MAX(m.date))
                            ELSE CURRENT_DATE END AS end_date
                  FROM recurring_mrr_movement m
                  JOIN recurring_subscription s ON s.id = m.subscription_id
                 GROUP BY s.id
            )
            SELECT row_number() OVER (ORDER BY l.subscription_id, k) AS id,
                   l.subscription_id, l.start_month, k AS months_survived,
                   l.plan_id, l.user_id, l.team_id, l.company_id
              FROM life l
             CROSS JOIN LATERAL generate_series(
                   0,
                   GREATEST(0, ((date_part('year', l.end_date) - date_part('year', l.start_month))
                                * 12 + date_part('month', l.end_date)
                                - date_part('month', l.start_month))::int)) k
            )
            """
        )
