from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestProductPlans(RecurringCommon):
    """Plans on products: removing a plan in use, setting plans through the API."""

    def _live_subscription(self):
        sub = self._create_subscription(plan=self.plan_yearly)
        with freeze_time("2026-01-31"):
            sub.action_start()
        return sub

    def test_plan_of_live_subscription_cannot_be_removed_from_product(self):
        self._live_subscription()
        template = self.product_desk.product_tmpl_id
        row = template.recurring_product_plan_ids.filtered(lambda r: r.plan_id == self.plan_yearly)
        with self.assertRaises(UserError):
            row.unlink()
        with self.assertRaises(UserError):
            template.recurring_plan_ids = [Command.unlink(self.plan_yearly.id)]
        with self.assertRaises(UserError):
            row.plan_id = self.plan_weekly
        self.assertIn(self.plan_yearly, template.recurring_plan_ids)

    def test_plan_of_closed_subscription_can_be_removed(self):
        sub = self._live_subscription()
        with freeze_time("2026-02-01"):
            sub._action_close(self.env["recurring.close.reason"])
        template = self.product_desk.product_tmpl_id
        template.recurring_plan_ids = [Command.unlink(self.plan_yearly.id)]
        self.assertNotIn(self.plan_yearly, template.recurring_plan_ids)

    def test_recurring_plan_ids_can_be_set_on_create_and_write(self):
        template = self.env["product.template"].create(
            {
                "name": "Imported membership",
                "recurring_ok": True,
                "recurring_plan_ids": [Command.set(self.plan_monthly.ids)],
            }
        )
        self.assertEqual(template.recurring_plan_ids, self.plan_monthly)
        template.write({"recurring_plan_ids": [Command.set(self.plan_weekly.ids)]})
        self.assertEqual(template.recurring_plan_ids, self.plan_weekly)
        template.write(
            {"recurring_plan_ids": [Command.set((self.plan_weekly | self.plan_yearly).ids)]}
        )
        self.assertEqual(template.recurring_plan_ids, self.plan_weekly | self.plan_yearly)
        with self.assertRaises(ValidationError):
            template.write({"recurring_plan_ids": [Command.clear()]})
