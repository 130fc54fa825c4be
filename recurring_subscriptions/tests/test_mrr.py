"""MRR, its movement log, churn and the revenue forecast on a small known history."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestMrrHistory(RecurringCommon):
    """Three customers from January 2026 in their own company:

    - Alice, monthly, 1 x 30 (MRR 30), upgraded to 3 on Feb 10 (MRR 90), down to 2 on
      Mar 20 (MRR 60);
    - Bob, yearly, 1200 with 10% off (MRR 90), closed on Mar 15;
    - Carol, weekly, 2 x 10 (MRR 20 x 52 / 12 = 86.67), paused Feb 20, resumed Mar 5.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mrr_company = cls.env["res.company"].create(
            {"name": "MRR Farm", "currency_id": cls.currency.id}
        )
        cls.carol = cls.env["res.partner"].create({"name": "Carol Cook"})
        Movement = cls.env["recurring.mrr.movement"]
        cls.reason = cls.env.ref("recurring_subscriptions.close_reason_customer")
        with freeze_time("2026-01-01"):
            cls.alice_sub = cls._create_mrr_sub(
                cls.partner, cls.plan_monthly, cls.product_desk, 1, 30
            )
            cls.bob_sub = cls._create_mrr_sub(
                cls.partner_b, cls.plan_yearly, cls.product_desk, 1, 1200, discount=10.0
            )
            cls.carol_sub = cls._create_mrr_sub(cls.carol, cls.plan_weekly, cls.product_box, 2, 10)
            cls.subs = cls.alice_sub | cls.bob_sub | cls.carol_sub
            cls.subs.action_start()
        with freeze_time("2026-02-10"):
            cls.alice_sub.line_ids.quantity = 3
        with freeze_time("2026-02-20"):
            cls.carol_sub.action_pause()
        with freeze_time("2026-03-05"):
            cls.carol_sub.action_resume()
        with freeze_time("2026-03-15"):
            cls.bob_sub._action_close(cls.reason)
        with freeze_time("2026-03-20"):
            cls.alice_sub.line_ids.quantity = 2
        cls.movements = Movement.search([("company_id", "=", cls.mrr_company.id)])

    @classmethod
    def _create_mrr_sub(cls, partner, plan, product, quantity, price, discount=0.0):
        return cls.env["recurring.subscription"].create(
            {
                "partner_id": partner.id,
                "plan_id": plan.id,
                "company_id": cls.mrr_company.id,
                "start_date": date(2026, 1, 1),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "price_mode": "fixed",
                            "price_unit": price,
                            "discount": discount,
                        }
                    )
                ],
            }
        )

    def test_mrr_is_normalised_to_a_month(self):
        self.assertEqual(self.alice_sub.recurring_mrr, 60.0)
        self.assertEqual(self.alice_sub.recurring_arr, 720.0)
        self.assertEqual(self.bob_sub.recurring_mrr, 0.0)  # closed
        self.assertEqual(self.carol_sub.recurring_mrr, 86.67)
        self.assertEqual(self.carol_sub.recurring_arr, 1040.04)

    def test_every_change_is_one_movement(self):
        rows = [
            (m.date, m.subscription_id, m.movement_type, m.amount_company, m.is_logo_churn)
            for m in self.movements.sorted(lambda m: (m.date, m.id))
        ]
        self.assertEqual(
            rows,
            [
                (date(2026, 1, 1), self.alice_sub, "new", 30.0, False),
                (date(2026, 1, 1), self.bob_sub, "new", 90.0, False),
                (date(2026, 1, 1), self.carol_sub, "new", 86.67, False),
                (date(2026, 2, 10), self.alice_sub, "expansion", 60.0, False),
                (date(2026, 2, 20), self.carol_sub, "churn", -86.67, False),
                (date(2026, 3, 5), self.carol_sub, "reactivation", 86.67, False),
                (date(2026, 3, 15), self.bob_sub, "churn", -90.0, True),
                (date(2026, 3, 20), self.alice_sub, "contraction", -30.0, False),
            ],
        )
        bob_churn = self.movements.filtered(lambda m: m.is_logo_churn)
        self.assertEqual(bob_churn.close_reason_id, self.reason)
        self.assertEqual(bob_churn.plan_id, self.plan_yearly)
        # The movements of a subscription add up to its MRR.
        for sub in self.subs:
            moves = self.movements.filtered(lambda m, s=sub: m.subscription_id == s)
            self.assertAlmostEqual(sum(moves.mapped("amount_company")), sub.recurring_mrr)

    def test_monthly_report_churn_rates(self):
        rows = {
            row.month: row
            for row in self.env["recurring.mrr.report"].search(
                [("company_id", "=", self.mrr_company.id), ("month", "<=", "2026-03-01")]
            )
        }
        self.assertEqual(sorted(rows), [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)])
        jan, feb, mar = rows[date(2026, 1, 1)], rows[date(2026, 2, 1)], rows[date(2026, 3, 1)]
        self.assertEqual((jan.mrr_start, jan.new_mrr, jan.mrr_end), (0.0, 206.67, 206.67))
        self.assertEqual((feb.customers_start, feb.mrr_start), (3, 206.67))
        self.assertEqual(
            (feb.expansion_mrr, feb.churned_mrr, feb.net_new_mrr), (60.0, 86.67, -26.67)
        )
        self.assertEqual(feb.logo_churn_rate, 0.0)  # a pause is not a lost customer
        self.assertAlmostEqual(feb.revenue_churn_rate, 100 * 86.67 / 206.67, places=2)
        # March starts with Alice (90) and Bob (90); Bob leaves, Alice goes down by 30.
        self.assertEqual((mar.customers_start, mar.mrr_start, mar.arpu), (2, 180.0, 90.0))
        self.assertEqual((mar.lost_customers, mar.logo_churn_rate), (1, 50.0))
        self.assertEqual((mar.churned_mrr, mar.contraction_mrr), (90.0, 30.0))
        self.assertAlmostEqual(mar.revenue_churn_rate, 100 * 120 / 180, places=2)
        self.assertEqual(mar.mrr_end, 146.67)

    def test_retention_by_start_month(self):
        # Bob started in January and left in March: months 0, 1 and 2.
        bob_rows = self.env["recurring.retention.report"].search(
            [("subscription_id", "=", self.bob_sub.id)]
        )
        self.assertEqual(sorted(bob_rows.mapped("months_survived")), [0, 1, 2])
        self.assertEqual(set(bob_rows.mapped("start_month")), {date(2026, 1, 1)})

    @freeze_time("2026-03-31")
    def test_forecast_of_the_coming_periods(self):
        self.alice_sub.occurrence_ids.filtered(
            lambda o: o.period_start == date(2026, 6, 1)
        ).action_skip()
        self.alice_sub.end_date = date(2026, 9, 30)
        Forecast = self.env["recurring.forecast.report"]
        domain = [
            ("company_id", "=", self.mrr_company.id),
            ("period_start", ">=", "2026-04-01"),
            ("period_start", "<", "2027-04-01"),
        ]
        by_month_plan = {
            (month.month, plan.name): amount
            for month, plan, amount in Forecast._read_group(
                domain, ["period_start:month", "plan_id"], ["amount_company:sum"]
            )
        }
        self.assertEqual(
            by_month_plan,
            {
                # Alice: 2 x 30 a month, June skipped, nothing after her end date.
                (4, "Monthly"): 60.0,
                (5, "Monthly"): 60.0,
                (7, "Monthly"): 60.0,
                (8, "Monthly"): 60.0,
                (9, "Monthly"): 60.0,
                # Carol: 20 a week, planned 12 weeks ahead from her resumption (Mar 5).
                (4, "Weekly"): 100.0,
                (5, "Weekly"): 60.0,
            },
        )
        # Bob is closed: nothing forecast.
        self.assertFalse(Forecast.search([*domain, ("subscription_id", "=", self.bob_sub.id)]))

    def test_the_log_is_append_only(self):
        movement = self.movements[:1]
        with self.assertRaises(UserError):
            movement.write({"amount": 1.0})
        with self.assertRaises(UserError):
            movement.unlink()
        user = new_test_user(
            self.env,
            login="mrr_salesman",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((self.env.company | self.mrr_company).ids)],
        )
        Movement = self.env["recurring.mrr.movement"].with_user(user)
        self.assertTrue(Movement.search_count([("id", "=", movement.id)]))
        with self.assertRaises(AccessError):
            Movement.create({"date": date(2026, 1, 1)})


@tagged("post_install", "-at_install")
class TestMrrRenewal(RecurringCommon):
    def test_renewals_do_not_move_mrr(self):
        sub = self._create_subscription()
        with freeze_time("2026-01-31"):
            sub.action_start()
        self.assertEqual(len(sub.mrr_movement_ids), 1)
        for day in ("2026-01-31", "2026-02-28", "2026-03-31"):
            with freeze_time(day):
                self._run_cron()
        self.assertEqual(len(sub.order_ids), 3)
        self.assertEqual(sub.mrr_movement_ids.mapped("movement_type"), ["new"])
        self.assertEqual(sub.recurring_mrr, 30.0)

    @freeze_time("2026-01-31")
    def test_suspension_for_failed_payments_is_churn_and_payment_reactivates(self):
        sub = self._create_subscription()
        sub.action_start()
        sub.payment_suspended = True
        self.assertEqual(sub.recurring_mrr, 0.0)
        sub.payment_suspended = False
        self.assertEqual(
            sub.mrr_movement_ids.sorted("id").mapped("movement_type"),
            ["new", "churn", "reactivation"],
        )

    @freeze_time("2026-01-31")
    def test_plan_change_and_reopen_move_mrr(self):
        sub = self._create_subscription()
        sub.action_start()
        sub.line_ids.price_unit = 45.0
        sub._action_close(self.env.ref("recurring_subscriptions.close_reason_customer"))
        sub.action_reopen()
        self.assertEqual(
            [(m.movement_type, m.amount_company) for m in sub.mrr_movement_ids.sorted("id")],
            [("new", 30.0), ("expansion", 15.0), ("churn", -45.0), ("reactivation", 45.0)],
        )
