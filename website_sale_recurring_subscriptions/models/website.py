from odoo import models
from odoo.http import request


class Website(models.Model):
    _inherit = "website"

    def _get_checkout_step_list(self):
        """Override of `website_sale`: subscriptions belong to a customer account, so a
        shopper who is not logged in signs in before checking out a cart with
        recurring products (the checkout itself redirects them too)."""
        steps = super()._get_checkout_step_list()
        if not request or not self.is_public_user() or self.account_on_checkout == "mandatory":
            return steps
        if not self.sale_get_order().has_recurring_lines:
            return steps
        for xmlids, step in steps:
            if "website_sale.cart" in xmlids:
                step.update(
                    main_button=self.env._("Sign In"),
                    main_button_href="/web/login?redirect=/shop/checkout?try_skip_step=true",
                )
        return steps
