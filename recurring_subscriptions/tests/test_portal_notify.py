from odoo.tests import new_test_user, tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestPortalNotify(RecurringCommon):
    """Item 20 of issue 9: a portal change reaches someone even without a salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = new_test_user(
            cls.env, login="rs_team_leader", groups="sales_team.group_sale_manager"
        )
        cls.sub_manager = new_test_user(
            cls.env, login="rs_sub_manager", groups="sales_team.group_sale_manager"
        )
        cls.team = cls.env["crm.team"].create({"name": "Web shop", "user_id": cls.leader.id})

    def _notified(self, sub):
        sub._portal_log_change("skipped a delivery", send_email=False)
        return sub.message_ids[:1].partner_ids

    def test_falls_back_to_the_team_leader(self):
        order = self._create_order(
            [{"product_id": self.product_desk.id, "recurring_plan_id": self.plan_monthly.id}]
        )
        order.write({"team_id": self.team.id, "user_id": False})
        order.action_confirm()
        sub = order.recurring_source_subscription_ids
        self.assertFalse(sub.user_id)
        self.assertEqual(self._notified(sub), self.leader.partner_id)

    def test_falls_back_to_the_configured_manager(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "recurring_subscriptions.manager_user_id", str(self.sub_manager.id)
        )
        sub = self._create_subscription(user_id=False)
        self.assertEqual(self._notified(sub), self.sub_manager.partner_id)

    def test_salesperson_first(self):
        sub = self._create_subscription(user_id=self.leader.id)
        self.assertEqual(self._notified(sub), self.leader.partner_id)
