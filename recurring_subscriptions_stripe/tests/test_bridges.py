from odoo.tests import TransactionCase, tagged

# Each bridge of recurring_subscriptions, and the app that installs it by itself.
BRIDGES = {
    "recurring_subscriptions_stripe": "payment_stripe",
    "website_sale_recurring_subscriptions": "website_sale",
}


@tagged("post_install", "-at_install")
class TestBridges(TransactionCase):
    """Installing the core where an app already is (or the app later) installs its bridge."""

    def test_each_bridge_is_installed_exactly_when_its_app_is(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", [*BRIDGES, *BRIDGES.values()])]
        )
        state = {module.name: module.state for module in modules}
        for bridge, app in BRIDGES.items():
            with self.subTest(bridge=bridge):
                self.assertEqual(
                    state.get(bridge) == "installed",
                    state.get(app) == "installed",
                    f"{bridge} is {state.get(bridge)} while {app} is {state.get(app)}",
                )
