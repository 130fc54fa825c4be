from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.recurring_subscriptions.utils import periods

from .shop_common import RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopTour(RecurringShopCommon, HttpCase):
    """Tour (a): in the shop, a logged-in customer picks a plan, checks out and pays by
    card. Real dates: freezegun and the browser do not mix."""

    def test_tour_buy_a_subscription_and_pay_by_card(self):
        self._start_tour_or_fail("/shop", "recurring_shop_buy_subscription", self.shopper.login)

        self.env.invalidate_all()
        order = self._cart()
        self.assertEqual(order.state, "sale")
        tx = order.transaction_ids
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.amount, 180.0)
        sub = order.recurring_source_subscription_ids
        self.assertEqual(len(sub), 1)
        self.assertEqual(sub.plan_id, self.plan_yearly)
        self.assertEqual(sub.state, "active")
        self.assertEqual(sub.partner_id, self.shopper_partner)
        self.assertEqual(sub.payment_token_id, tx.token_id)
        self.assertTrue(sub.payment_token_id.payment_details.endswith("4242"))
        self.assertEqual(sub.line_ids.product_id, self.product_desk)
        # Three yearly deliveries, chosen on the product page.
        self.assertEqual(order.order_line.recurring_period_count, 3)
        self.assertEqual(sub.end_date, periods.end_after_periods(fields.Date.today(), "year", 1, 3))

    def test_tour_trial_saves_the_card_without_charging(self):
        self.plan_trial.terms = "<p>Cancel any time during the trial.</p>"
        self._start_tour_or_fail("/shop", "recurring_shop_trial_saves_card", self.shopper.login)

        self.env.invalidate_all()
        order = self._cart()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.amount_total, 0.0)
        tx = order.transaction_ids
        self.assertEqual((tx.operation, tx.state, tx.amount), ("validation", "done", 0.0))
        self.assertFalse(tx.payment_id, "nothing was charged")
        self.assertTrue(order.recurring_terms_accepted_date)
        sub = order.recurring_source_subscription_ids
        self.assertEqual(sub.plan_id, self.plan_trial)
        self.assertEqual(sub.state, "trial")
        self.assertEqual(sub.payment_token_id, tx.token_id)
        self.assertTrue(sub.payment_token_id)
        self.assertEqual(sub.terms_accepted_date, order.recurring_terms_accepted_date)
