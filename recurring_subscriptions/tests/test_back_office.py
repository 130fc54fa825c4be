from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestBackOffice(RecurringCommon):
    """Item 21 of issue 9: what staff see in the back office is right."""

    def test_process_now_says_what_it_did(self):
        due = self._create_subscription(start=date(2026, 1, 31))
        not_due = self._create_subscription(start=date(2026, 1, 31))
        with freeze_time("2026-01-31"):
            (due | not_due).action_start()
            self._run_cron()
        with freeze_time("2026-02-28"):
            not_due.next_date = date(2026, 3, 28)
            action = (due | not_due).action_process_now()
        self.assertEqual(action["tag"], "display_notification")
        message = action["params"]["message"]
        self.assertIn("1", message)
        self.assertIn("renewed", message.lower())
        self.assertIn("not due", message.lower())

    def test_plan_template_lines_appear_when_the_plan_is_chosen(self):
        plan = self.env["recurring.plan"].create(
            {
                "name": "Box plan",
                "billing_unit": "week",
                "payment_mode": "manual",
                "line_ids": [Command.create({"product_id": self.product_plain.id, "quantity": 2})],
            }
        )
        form = Form(self.env["recurring.subscription"])
        form.partner_id = self.partner
        form.plan_id = plan
        self.assertEqual(len(form.line_ids), 1)
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.product_id, self.product_plain)
            self.assertEqual(line.quantity, 2)
        sub = form.save()
        self.assertEqual(sub.line_ids.product_id, self.product_plain)

    def test_empty_plan_price_shows_pricelist(self):
        row = self.product_box.recurring_product_plan_ids.filtered(
            lambda r: r.plan_id == self.plan_weekly
        )
        self.assertEqual(row.price_source, "pricelist")
        fixed = self.product_box.recurring_product_plan_ids - row
        self.assertEqual(fixed.price_source, "fixed")
        arch = self.env["product.template"].get_view(
            self.env.ref("product.product_template_only_form_view").id, "form"
        )["arch"]
        price = etree.fromstring(arch).xpath(
            "//field[@name='recurring_product_plan_ids']//field[@name='fixed_price']"
        )[0]
        self.assertIn("pricelist", price.get("invisible", ""))

    def test_subscription_list_does_not_sum_different_frequencies(self):
        arch = self.env["recurring.subscription"].get_view(view_type="list")["arch"]
        total = etree.fromstring(arch).xpath("//field[@name='recurring_total']")[0]
        self.assertFalse(total.get("sum"))
        monthly = etree.fromstring(arch).xpath("//field[@name='recurring_monthly_amount']")
        self.assertTrue(monthly)
        sub = self._create_subscription(plan=self.plan_yearly)
        # 30.0 a year, less the yearly plan's 10% discount, is 2.25 a month.
        self.assertAlmostEqual(sub.recurring_monthly_amount, 27.0 / 12, places=2)
