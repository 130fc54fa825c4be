from odoo.tests import Form, new_test_user, tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestCompat(RecurringCommon):
    """Item 22 of issue 9: people who never sell a subscription see standard Odoo."""

    def test_sales_app_opens_on_orders(self):
        root = self.env.ref("sale.sale_menu_root")
        first = root.child_id.sorted(lambda m: (m.sequence, m.id))[:1]
        self.assertEqual(first, self.env.ref("sale.sale_order_menu"))

    def test_internal_user_without_sales_rights_reads_recurring_products(self):
        employee = new_test_user(self.env, login="rs_compat_employee", groups="base.group_user")
        product = self.product_desk.product_tmpl_id.with_user(employee)
        product.invalidate_recordset()
        with Form(product) as form:
            self.assertTrue(form.name)
        self.assertEqual(len(product.recurring_plan_ids), 2)
        self.assertTrue(product.recurring_product_plan_ids.mapped("plan_id.name"))
