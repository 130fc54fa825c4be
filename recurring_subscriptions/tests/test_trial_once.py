from datetime import date

from freezegun import freeze_time

from .common import RecurringCommon


@freeze_time("2026-03-02")
class TestTrialOncePerCustomer(RecurringCommon):
    """One free trial per customer (company and contacts) and plan, unless the plan
    allows more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_trial = cls.env["recurring.plan"].create(
            {
                "name": "Monthly with trial",
                "payment_mode": "manual",
                "trial_interval": 14,
                "trial_unit": "day",
            }
        )
        cls.product_desk.recurring_product_plan_ids = [(0, 0, {"plan_id": cls.plan_trial.id})]
        cls.colleague = cls.env["res.partner"].create(
            {"name": "Alice's colleague", "parent_id": cls.partner.id}
        )

    def _start(self, partner):
        sub = self._create_subscription(
            plan=self.plan_trial, partner=partner, start=date(2026, 3, 2)
        )
        sub.action_start()
        return sub

    def test_second_subscription_starts_without_trial(self):
        first = self._start(self.partner)
        self.assertEqual(first.state, "trial")
        self.assertEqual(first.trial_end_date, date(2026, 3, 16))
        first._action_close(False)
        second = self._start(self.colleague)
        self.assertEqual(second.state, "active", "the same customer gets no second trial")
        self.assertFalse(second.trial_end_date)
        self.assertEqual(second.next_date, date(2026, 3, 2))
        self.assertTrue(
            second.message_ids.filtered(lambda m: "No free trial" in (m.body or "")),
            "the salesperson is told why",
        )
        # Another customer still gets the trial.
        self.assertEqual(self._start(self.partner_b).state, "trial")

    def test_plan_allowing_repeat_trials(self):
        self.plan_trial.trial_once_per_customer = False
        self._start(self.partner)
        self.assertEqual(self._start(self.partner).state, "trial")

    def test_order_of_a_returning_customer_is_charged_today(self):
        self._start(self.partner)
        order = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_trial.id}]
        )
        line = order.order_line
        self.assertFalse(line.recurring_deferred)
        self.assertEqual(line.price_unit, 200.0, "charged today: no trial")
        order.action_confirm()
        sub = order.recurring_source_subscription_ids
        self.assertEqual(sub.state, "active")
        self.assertFalse(sub.trial_end_date)

    def test_new_customer_order_keeps_the_trial(self):
        order = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_trial.id}],
            partner=self.partner_b,
        )
        self.assertTrue(order.order_line.recurring_deferred)
        self.assertEqual(order.amount_total, 0.0)
