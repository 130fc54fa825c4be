from psycopg2.errors import LockNotAvailable

from odoo import fields
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Command
from odoo.http import request, route
from odoo.tools import SQL, str2bool

from odoo.addons.website_sale.controllers.main import WebsiteSale
from odoo.addons.website_sale.controllers.payment import PaymentPortal


def _to_id(value):
    """A record id posted by the browser, or 0 when it is missing or malformed."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class RecurringWebsiteSale(WebsiteSale):
    """The e-shop for recurring products: plan choice, login, card saving, confirmation."""

    def _prepare_product_values(self, product, category, search, **kwargs):
        values = super()._prepare_product_values(product, category, search, **kwargs)
        if product.recurring_ok:
            values["recurring_plan_options"] = product._get_recurring_shop_plan_options(
                request.website
            )
            values["recurring_today"] = fields.Date.context_today(request.env.user)
        return values

    @route("/shop/recurring/check_options", type="json", auth="public", website=True)
    def recurring_check_options(self, product_id=None, product_template_id=None, **options):
        """Check the subscription options of the product page before adding to cart.

        :return: {} when they are accepted, else ``recurring_error`` (the message) and
            ``recurring_field`` (the input it is about)
        """
        return self._recurring_check_options(product_id, product_template_id, **options)

    def _recurring_check_options(self, product_id, product_template_id=None, **options):
        product = request.env["product.product"].browse(_to_id(product_id)).exists()
        if not product:
            template = request.env["product.template"].browse(_to_id(product_template_id))
            product = template.exists().product_variant_id
        if not product:
            return {}
        options = {key: value for key, value in options.items() if key.startswith("recurring_")}
        try:
            request.env["sale.order"].new({})._get_recurring_cart_line_values(product.id, **options)
        except UserError as error:
            return {
                "recurring_error": error.args[0],
                "recurring_field": getattr(error, "recurring_field", None),
            }
        return {}

    @route()
    def cart_update_json(self, product_id, *args, **kwargs):
        """Refused subscription options are answered with the message (and the input it
        is about), before any cart is made, instead of an error the page does not show."""
        if kwargs.get("recurring_plan_id") or any(
            kwargs.get(key)
            for key in ("recurring_start_date", "recurring_end_date", "recurring_period_count")
        ):
            refusal = self._recurring_check_options(product_id, **kwargs)
            if refusal:
                return {
                    **refusal,
                    "cart_quantity": request.session.get("website_sale_cart_quantity", 0),
                    "notification_info": {"warning": refusal["recurring_error"]},
                }
        return super().cart_update_json(product_id, *args, **kwargs)

    def _check_cart(self, order_sudo):
        """Subscriptions belong to a customer account: sign in before the checkout."""
        redirection = super()._check_cart(order_sudo)
        if redirection:
            return redirection
        if order_sudo.has_recurring_lines and request.env.user._is_public():
            return request.redirect("/web/login?redirect=/shop/checkout")
        return None

    def _get_express_shop_payment_values(self, order, **kwargs):
        """No express checkout for subscriptions: it skips the login and the saved card."""
        values = super()._get_express_shop_payment_values(order, **kwargs)
        if order.has_recurring_lines:
            values["providers_sudo"] = values["providers_sudo"].browse()
        return values

    def _get_shop_payment_values(self, order, **kwargs):
        values = super()._get_shop_payment_values(order, **kwargs)
        if order.has_recurring_lines:
            values.update(self._prepare_recurring_payment_values(order))
        return values

    def _prepare_recurring_payment_values(self, order_sudo):
        """Terms to accept and, when nothing is due today, the card-saving form.

        With nothing to pay (trials, later starts), the payment form runs in
        validation mode: it saves a new card (a Stripe SetupIntent) and charges
        nothing. Saved cards are not offered there, as validating one again would be a
        payment.
        """
        values = {
            "recurring_terms_plans_sudo": order_sudo._get_recurring_terms_plans(),
            "recurring_card_consent": order_sudo._get_recurring_card_consent(),
        }
        if order_sudo._recurring_needs_card_validation():
            values.update(
                mode="validation",
                allow_token_selection=False,
                tokens_sudo=request.env["payment.token"].sudo(),
                submit_button_label=request.env._("Save my card and subscribe"),
                recurring_card_validation=True,
            )
        return values

    @route()
    def shop_payment_validate(self, sale_order_id=None, **post):
        """A free cart is confirmed here without payment: not one with subscriptions,
        whose card must be saved first (see `RecurringPaymentPortal`)."""
        orders_sudo = request.env["sale.order"].sudo()
        if sale_order_id is None:  # The order `super` confirms when it is free.
            order_sudo = request.website.sale_get_order() or orders_sudo.browse(
                request.session.get("sale_last_order_id")
            )
        else:
            order_sudo = orders_sudo.browse(_to_id(sale_order_id))
        order_sudo = order_sudo.exists()
        if (
            order_sudo.state in ("draft", "sent")
            and order_sudo._recurring_needs_card_validation()
            and not order_sudo.get_portal_last_transaction()
        ):
            return request.redirect("/shop/payment")
        return super().shop_payment_validate(sale_order_id=sale_order_id, **post)

    def _prepare_shop_payment_confirmation_values(self, order):
        values = super()._prepare_shop_payment_confirmation_values(order)
        values["recurring_subscriptions_sudo"] = order.sudo().recurring_source_subscription_ids
        return values


class RecurringPaymentPortal(PaymentPortal):
    """The shop's transaction route, for carts that create subscriptions."""

    @route()
    def shop_payment_transaction(self, order_id, access_token, **kwargs):
        """Override of `website_sale`: record the terms acceptance; save the card of a
        cart with nothing due today with a validation transaction."""
        terms_accepted = str2bool(str(kwargs.pop("recurring_terms_accepted", False)))
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token)
        except MissingError:
            raise
        except AccessError as error:
            raise ValidationError(request.env._("The access token is invalid.")) from error
        if order_sudo.has_recurring_lines:
            env = request.env
            provider_sudo = env["payment.provider"].sudo().browse(_to_id(kwargs.get("provider_id")))
            method_id = _to_id(kwargs.get("payment_method_id"))
            method_sudo = env["payment.method"].sudo().browse(method_id)
            order_sudo._check_recurring_payment_option(
                provider_sudo, method_sudo, kwargs.get("flow")
            )
            order_sudo._recurring_accept_terms(terms_accepted)
            if order_sudo._recurring_needs_card_validation():
                return self._recurring_create_validation_transaction(order_sudo, **kwargs)
            kwargs["is_validation"] = False
        return super().shop_payment_transaction(order_id, access_token, **kwargs)

    def _recurring_create_validation_transaction(self, order_sudo, **kwargs):
        """Create the transaction that saves the card of a cart with nothing due today.

        When it is done, `sale`'s post-processing confirms the order (nothing was due),
        which creates the subscriptions with the new card.
        """
        _ = request.env._
        try:
            request.env.cr.execute(
                SQL(
                    "SELECT 1 FROM sale_order WHERE id = %s FOR NO KEY UPDATE NOWAIT", order_sudo.id
                )
            )
        except LockNotAvailable:
            raise UserError(_("Payment is already being processed.")) from None
        if order_sudo.state not in ("draft", "sent"):
            raise ValidationError(_("This order is already confirmed or cancelled."))
        order_sudo._check_cart_is_ready_to_be_paid()
        self._validate_transaction_kwargs(kwargs)
        if kwargs.get("flow") == "token":
            raise ValidationError(_("Please enter the card that will pay your subscription."))
        kwargs.update(
            partner_id=order_sudo.partner_invoice_id.id,
            currency_id=order_sudo.currency_id.id,
            sale_order_id=order_sudo.id,
            amount=None,
            is_validation=True,
        )
        tx_sudo = self._create_transaction(
            custom_create_values={"sale_order_ids": [Command.set([order_sudo.id])]}, **kwargs
        )
        request.session["__website_sale_last_tx_id"] = tx_sudo.id
        self._validate_transaction_for_order(tx_sudo, order_sudo)
        return tx_sudo._get_processing_values()
