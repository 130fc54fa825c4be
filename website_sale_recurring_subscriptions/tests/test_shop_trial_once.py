from datetime import date

from freezegun import freeze_time

from odoo.addons.recurring_subscriptions.tests.common import RecurringCommon


@freeze_time("2026-03-02")
class TestShopTrialOnce(RecurringCommon):
    """The cart tells a returning customer that the plan's free trial was already used."""

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

    def _cart_summary(self, partner):
        order = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_trial.id}],
            partner=partner,
        )
        return order.order_line._get_recurring_shop_summary()

    def test_returning_customer_sees_the_trial_used(self):
        sub = self._create_subscription(
            plan=self.plan_trial, partner=self.partner, start=date(2026, 3, 2)
        )
        sub.action_start()
        summary = self._cart_summary(self.partner)
        self.assertTrue(summary["trial_used"])
        self.assertFalse(summary["trial_end"])
        summary = self._cart_summary(self.partner_b)
        self.assertFalse(summary["trial_used"])
        self.assertEqual(summary["trial_end"], date(2026, 3, 16))
