from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestSubscriptionFromOrder(RecurringCommon):
    @freeze_time("2026-03-10")
    def test_confirm_creates_one_subscription_per_plan(self):
        order = self._create_order(
            [
                {"product_id": self.product_box.id, "recurring_plan_id": self.plan_weekly.id},
                {"product_id": self.product_desk.id, "recurring_plan_id": self.plan_monthly.id},
                {
                    "product_id": self.product_box.id,
                    "recurring_plan_id": self.plan_monthly.id,
                    "product_uom_qty": 2,
                },
                {"product_id": self.product_plain.id},
            ]
        )
        order.action_confirm()
        subs = order.recurring_source_subscription_ids
        self.assertEqual(len(subs), 2)
        monthly = subs.filtered(lambda s: s.plan_id == self.plan_monthly)
        weekly = subs - monthly
        self.assertEqual(monthly.state, "active")
        self.assertEqual(
            sorted(monthly.line_ids.product_id.mapped("name")),
            ["Coworking membership", "Vegetable box"],
        )
        self.assertEqual(str(monthly.start_date), "2026-03-10")
        # The order pays for the first period: the cron starts with the second.
        self.assertEqual(str(monthly.next_date), "2026-04-10")
        self.assertEqual(str(weekly.next_date), "2026-03-17")
        first = monthly.occurrence_ids.filtered(lambda o: o.period_index == 0)
        self.assertEqual(first.state, "done")
        self.assertEqual(first.order_id, order)
        self.assertEqual(monthly.partner_id, self.partner)
        self.assertEqual(order.recurring_subscription_count, 2)
        self.assertFalse(order.is_recurring_order)

    @freeze_time("2026-03-10")
    def test_plan_price_and_discount_apply_to_order_lines(self):
        order = self._create_order(
            [
                {"product_id": self.product_box.id, "recurring_plan_id": self.plan_monthly.id},
                {"product_id": self.product_desk.id, "recurring_plan_id": self.plan_yearly.id},
            ]
        )
        box, desk = order.order_line
        self.assertEqual(box.price_unit, 90.0, "the plan's fixed price replaces the list price")
        self.assertEqual(desk.price_unit, 200.0)
        self.assertEqual(desk.discount, 10.0, "the plan's discount applies")
        order.action_confirm()
        desk_line = order.recurring_source_subscription_ids.filtered(
            lambda s: s.plan_id == self.plan_yearly
        ).line_ids
        self.assertEqual((desk_line.price_unit, desk_line.discount), (200.0, 10.0))

    @freeze_time("2026-03-10")
    def test_reconfirm_does_not_duplicate(self):
        order = self._create_order(
            [{"product_id": self.product_box.id, "recurring_plan_id": self.plan_weekly.id}]
        )
        order.action_confirm()
        self.assertEqual(len(order.recurring_source_subscription_ids), 1)
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(
            self.env["recurring.subscription"].search_count([("source_order_id", "=", order.id)]), 1
        )

    @freeze_time("2026-03-10")
    def test_cancelling_source_order_closes_when_plan_says_so(self):
        self.plan_weekly.close_on_source_cancel = True
        order_closing = self._create_order(
            [{"product_id": self.product_box.id, "recurring_plan_id": self.plan_weekly.id}]
        )
        order_keeping = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_monthly.id}]
        )
        (order_closing | order_keeping).action_confirm()
        (order_closing | order_keeping)._action_cancel()
        self.assertEqual(order_closing.recurring_source_subscription_ids.state, "closed")
        self.assertEqual(
            order_closing.recurring_source_subscription_ids.close_reason_id,
            self.env.ref("recurring_subscriptions.close_reason_order_cancelled"),
        )
        self.assertEqual(order_keeping.recurring_source_subscription_ids.state, "active")

    @freeze_time("2026-03-10")
    def test_renewal_orders_never_create_subscriptions(self):
        sub = self._create_subscription(start="2026-03-10")
        sub.action_start()
        self._run_cron()
        renewal = sub.order_ids
        self.assertEqual(len(renewal), 1)
        self.assertEqual(renewal.state, "sale")
        self.assertTrue(renewal.order_line.recurring_plan_id)
        self.assertFalse(renewal.recurring_source_subscription_ids)
        self.assertEqual(
            self.env["recurring.subscription"].search_count([("partner_id", "=", self.partner.id)]),
            1,
        )

    def test_plan_must_be_allowed_for_product(self):
        with self.assertRaisesRegex(ValidationError, "not allowed"):
            self._create_order(
                [{"product_id": self.product_box.id, "recurring_plan_id": self.plan_yearly.id}]
            )
        with self.assertRaisesRegex(ValidationError, "not allowed"):
            self._create_order(
                [{"product_id": self.product_plain.id, "recurring_plan_id": self.plan_monthly.id}]
            )

    def test_recurring_product_gets_a_default_plan(self):
        order = self._create_order([{"product_id": self.product_box.id}])
        self.assertEqual(order.order_line.recurring_plan_id, self.plan_weekly)
        self.assertTrue(order.has_recurring_lines)

    @freeze_time("2026-03-10")
    def test_later_start_charges_nothing_today_and_bills_from_the_start(self):
        order = self._create_order(
            [
                {
                    "product_id": self.product_desk.id,
                    "recurring_plan_id": self.plan_monthly.id,
                    "recurring_start_date": "2026-04-01",
                    "recurring_period_count": 3,
                },
                {"product_id": self.product_plain.id},
            ]
        )
        desk = order.order_line.filtered("recurring_plan_id")
        self.assertTrue(desk.recurring_deferred)
        self.assertEqual(desk.price_unit, 0.0, "nothing is due today for the later start")
        self.assertEqual(desk.recurring_price_unit, 200.0)
        self.assertEqual(order.amount_untaxed, 10.0, "only the one-off product is paid today")
        order.action_confirm()
        sub = order.recurring_source_subscription_ids
        self.assertEqual(sub.state, "future")
        self.assertEqual(sub.line_ids.price_unit, 200.0, "renewals bill the real price")
        self.assertEqual(str(sub.next_date), "2026-04-01")
        self.assertEqual(str(sub.end_date), "2026-06-30", "three deliveries")
        with freeze_time("2026-04-01"):
            self._run_cron()
        self.assertEqual(sub.state, "active")
        self.assertEqual(sub.invoice_ids.amount_untaxed, 200.0)

    @freeze_time("2026-03-10")
    def test_trial_plan_charges_nothing_today(self):
        self.plan_monthly.trial_interval = 14
        order = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_monthly.id}]
        )
        self.assertEqual(order.amount_total, 0.0)
        order.action_confirm()
        sub = order.recurring_source_subscription_ids
        self.assertEqual(sub.state, "trial")
        self.assertEqual(str(sub.next_date), "2026-03-24", "first charge when the trial ends")
        self.assertEqual(sub.line_ids.price_unit, 200.0)

    def test_subscription_cannot_end_before_it_starts_on_the_order(self):
        with self.assertRaisesRegex(ValidationError, "cannot end before it starts"):
            self._create_order(
                [
                    {
                        "product_id": self.product_desk.id,
                        "recurring_plan_id": self.plan_monthly.id,
                        "recurring_start_date": "2026-04-01",
                        "recurring_end_date": "2026-03-01",
                    }
                ]
            )
