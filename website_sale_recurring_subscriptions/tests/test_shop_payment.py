import json
from datetime import timedelta

from lxml import html

from odoo import fields, http
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .shop_common import RecurringShopCommon


@tagged("post_install", "-at_install")
class TestShopPayment(RecurringShopCommon, HttpCase):
    """Paying a cart with recurring products in the shop, through the real routes and
    the `payment_demo` provider: the card is always saved, the order is confirmed by
    the payment and creates the subscriptions with that card."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A demo method that cannot save cards, offered by the same provider.
        cls.method_no_token = cls.payment_method.copy(
            {
                "name": "Pay on delivery (test)",
                "code": "rs_no_token",
                "support_tokenization": False,
                "provider_ids": [Command.set(cls.provider.ids)],
            }
        )

    def _checkout(self, **options):
        """Log in, put the desk in the cart with ``options`` and check out: the complete
        address and a service skip the delivery step, to the payment page."""
        self._login()
        self._add_to_cart(**options)
        cart = self._cart()
        self.assertTrue(cart.order_line)
        response = self.url_open("/shop/checkout?try_skip_step=true")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/shop/payment"), response.url)
        return cart, response

    def _transaction_params(self, cart, payment_method=None, **params):
        """The params the payment form posts to the shop's transaction route."""
        return {
            "provider_id": self.provider.id,
            "payment_method_id": (payment_method or self.payment_method).id,
            "token_id": None,
            "amount": cart.amount_total,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/shop/payment/validate",
            "is_validation": False,
            "access_token": cart._portal_ensure_token(),
            "csrf_token": http.Request.csrf_token(self),
            **params,
        }

    def _pay(self, cart, simulated_state="done", **params):
        """What the payment form does: create the transaction through the shop's route,
        let the demo provider answer, then poll the status page (post-processing)."""
        processing = self.make_jsonrpc_request(
            f"/shop/payment/transaction/{cart.id}", self._transaction_params(cart, **params)
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {
                "reference": processing["reference"],
                "payment_details": "4242",
                "simulated_state": simulated_state,
            },
        )
        status = self.make_jsonrpc_request("/payment/status/poll", {})
        self.env.invalidate_all()
        tx = self.env["payment.transaction"].search([("reference", "=", processing["reference"])])
        self.assertEqual(status["state"], tx.state)
        return tx

    def _refused_payment(self, cart, **params):
        """Post to the transaction route, expecting an error; returns its message."""
        response = self.url_open(
            f"/shop/payment/transaction/{cart.id}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 0,
                    "params": self._transaction_params(cart, **params),
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.env.invalidate_all()
        error = response.json().get("error")
        self.assertTrue(error, "the transaction route accepted the payment")
        self.assertFalse(cart.transaction_ids, "no transaction is created")
        return error["data"]["message"]

    def test_payment_page_only_offers_methods_that_save_the_card(self):
        _cart, response = self._checkout(recurring_plan_id=self.plan_monthly.id)
        form = html.fromstring(response.text).get_element_by_id("o_payment_form")
        codes = form.xpath(".//input[@name='o_payment_radio']/@data-payment-method-code")
        self.assertEqual(codes, ["demo"], "a method that cannot save cards is not offered")
        self.assertFalse(
            form.xpath(".//input[@name='o_payment_tokenize_checkbox']"),
            "saving the card is not optional",
        )
        self.assertEqual(form.get("data-mode"), "payment")

    def test_plain_cart_offers_every_method_and_an_optional_card_saving(self):
        self._login()
        self._add_to_cart(self.product_plain)
        response = self.url_open("/shop/payment")
        form = html.fromstring(response.text).get_element_by_id("o_payment_form")
        codes = form.xpath(".//input[@name='o_payment_radio']/@data-payment-method-code")
        self.assertEqual(sorted(codes), ["demo", "rs_no_token"])
        self.assertTrue(form.xpath(".//input[@name='o_payment_tokenize_checkbox']"))

    def test_paying_confirms_the_order_and_the_subscription_keeps_the_card(self):
        cart, _response = self._checkout(recurring_plan_id=self.plan_yearly.id)
        tx = self._pay(cart)

        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.operation, "online_direct")
        self.assertEqual(tx.amount, 180.0)
        self.assertTrue(tx.token_id, "the card was saved although the shopper did not ask")
        self.assertEqual(tx.token_id.partner_id, self.shopper_partner)
        self.assertEqual(cart.state, "sale")
        sub = cart.recurring_source_subscription_ids
        self.assertEqual(len(sub), 1)
        self.assertEqual(sub.plan_id, self.plan_yearly)
        self.assertEqual(sub.state, "active")
        self.assertEqual(sub.partner_id, self.shopper_partner)
        self.assertEqual(sub.payment_token_id, tx.token_id)
        self.assertEqual(sub.recurring_total, 180.0)

        # The landing route leads to the confirmation page, which lists the subscription.
        response = self.url_open("/shop/payment/validate", allow_redirects=False)
        self.assertTrue(response.headers["Location"].endswith("/shop/confirmation"))
        confirmation = self.url_open("/shop/confirmation")
        page = html.fromstring(confirmation.text)
        self.assertEqual(
            page.xpath("//div[@id='recurring_confirmation_subscriptions']//td/a/@href"),
            [sub.get_portal_url()],
        )
        self.assertTrue(
            page.xpath(
                "//div[@id='recurring_confirmation_subscriptions']//a[@href='/my/subscriptions']"
            )
        )
        self.assertShown(self._page_text(confirmation), f"{sub.name} Yearly Next payment")

        # The order confirmation email lists it too, with where to manage it.
        emails = cart.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("mail.mt_comment")
                and self.shopper_partner in m.partner_ids
            )
        )
        self.assertEqual(len(emails), 1)
        self.assertIn("Your subscriptions", emails.body)
        self.assertIn(sub.name, emails.body)
        self.assertIn("/my/subscriptions", emails.body)
        self.assertIn(cart.name, emails.body, "the usual confirmation text is kept")

    def test_two_plans_make_two_subscriptions_paid_by_the_same_card(self):
        self._login()
        self._add_to_cart(recurring_plan_id=self.plan_monthly.id)
        self._add_to_cart(recurring_plan_id=self.plan_yearly.id)
        self._add_to_cart(self.product_plain)
        cart = self._cart()
        tx = self._pay(cart)
        self.assertEqual(tx.amount, 200.0 + 180.0 + 10.0)
        subs = cart.recurring_source_subscription_ids
        self.assertEqual(subs.plan_id, self.plan_monthly | self.plan_yearly)
        self.assertEqual(subs.payment_token_id, tx.token_id)

    def test_a_saved_card_can_pay_and_then_pays_the_subscription(self):
        token = self._token(partner=self.shopper_partner)
        cart, response = self._checkout(recurring_plan_id=self.plan_monthly.id)
        form = html.fromstring(response.text).get_element_by_id("o_payment_form")
        self.assertEqual(
            form.xpath(".//input[@name='o_payment_radio']/@data-payment-option-id")[0],
            str(token.id),
            "the saved card is offered first",
        )
        processing = self.make_jsonrpc_request(
            f"/shop/payment/transaction/{cart.id}",
            self._transaction_params(
                cart, flow="token", token_id=token.id, payment_method=self.env["payment.method"]
            ),
        )
        self.make_jsonrpc_request("/payment/status/poll", {})
        self.env.invalidate_all()
        tx = cart.transaction_ids
        self.assertEqual(tx.reference, processing["reference"])
        self.assertEqual((tx.state, tx.token_id), ("done", token))
        self.assertEqual(cart.state, "sale")
        self.assertEqual(cart.recurring_source_subscription_ids.payment_token_id, token)

    def test_a_failed_payment_creates_nothing(self):
        cart, _response = self._checkout(recurring_plan_id=self.plan_monthly.id)
        tx = self._pay(cart, simulated_state="error")
        self.assertEqual(tx.state, "error")
        self.assertEqual(cart.state, "draft")
        self.assertFalse(cart.recurring_source_subscription_ids)

    def test_a_method_that_cannot_save_cards_is_refused_when_posted_by_hand(self):
        cart, _response = self._checkout(recurring_plan_id=self.plan_monthly.id)
        message = self._refused_payment(cart, payment_method=self.method_no_token)
        self.assertIn("Pay on delivery (test) cannot be saved to pay your subscription", message)
        self.assertEqual(cart.state, "draft")

    def test_nothing_due_today_saves_the_card_with_a_validation_transaction(self):
        cart, response = self._checkout(recurring_plan_id=self.plan_trial.id)
        self.assertEqual(cart.amount_total, 0.0)
        page = html.fromstring(response.text)
        form = page.get_element_by_id("o_payment_form")
        self.assertEqual(form.get("data-mode"), "validation")
        self.assertEqual(
            form.xpath(".//input[@name='o_payment_radio']/@data-payment-method-code"), ["demo"]
        )
        self.assertFalse(
            page.xpath("//form[@name='o_wsale_confirm_order']"),
            "no 'Confirm Order' without a card",
        )
        self.assertShown(
            self._page_text(response),
            "Nothing is charged today. Your card is saved",
            "Save my card and subscribe",
        )

        # The browser says "payment"; the server makes it a validation.
        tx = self._pay(cart, amount=0.0, is_validation=False)
        self.assertEqual(tx.operation, "validation")
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.amount, 0.0, "nothing is charged")
        self.assertTrue(tx.token_id)
        self.assertFalse(tx.payment_id, "no payment is recorded")
        self.assertEqual(cart.state, "sale", "the saved card confirms the free order")
        sub = cart.recurring_source_subscription_ids
        self.assertEqual(sub.state, "trial")
        self.assertEqual(sub.payment_token_id, tx.token_id)
        self.assertEqual(sub.next_date, fields.Date.today() + timedelta(days=14))
        self.assertFalse(cart.invoice_ids)

    def test_later_start_saves_the_card_and_makes_a_future_subscription(self):
        start = fields.Date.today() + timedelta(days=7)
        cart, _response = self._checkout(
            recurring_plan_id=self.plan_monthly.id, recurring_start_date=str(start)
        )
        tx = self._pay(cart, amount=0.0)
        self.assertEqual(tx.operation, "validation")
        sub = cart.recurring_source_subscription_ids
        self.assertEqual(sub.state, "future")
        self.assertEqual(sub.start_date, start)
        self.assertEqual(sub.next_date, start)
        self.assertEqual(sub.payment_token_id, tx.token_id)

    def test_free_cart_with_subscriptions_is_not_confirmed_without_a_card(self):
        cart, _response = self._checkout(recurring_plan_id=self.plan_trial.id)
        for started_a_payment in (False, True):
            if started_a_payment:  # The card form was opened but not completed.
                self.make_jsonrpc_request(
                    f"/shop/payment/transaction/{cart.id}", self._transaction_params(cart)
                )
                self.assertEqual(cart.transaction_ids.state, "draft")
            # The 'Confirm Order' form of free carts, posted by hand.
            response = self.url_open(
                "/shop/payment/validate",
                data={"csrf_token": http.Request.csrf_token(self)},
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 303)
            self.assertTrue(response.headers["Location"].endswith("/shop/payment"))
            self.env.invalidate_all()
            self.assertEqual(cart.state, "draft")
            self.assertFalse(cart.recurring_source_subscription_ids)

    def test_validation_refuses_a_saved_card_flow(self):
        cart, _response = self._checkout(recurring_plan_id=self.plan_trial.id)
        token = self._token(partner=self.shopper_partner)
        message = self._refused_payment(
            cart, token_id=token.id, payment_method=self.env["payment.method"], flow="token"
        )
        self.assertIn("Please enter the card that will pay your subscription.", message)

    def test_plan_terms_must_be_accepted_before_paying(self):
        cart, response = self._checkout(recurring_plan_id=self.plan_terms.id)
        page = html.fromstring(response.text)
        self.assertTrue(page.xpath("//input[@id='recurring_terms_checkbox']"))
        self.assertShown(
            self._page_text(response),
            "Terms and conditions of the Annual contract plan",
            "Twelve months minimum",
            "I accept the terms and conditions of my subscription",
        )
        message = self._refused_payment(cart)
        self.assertEqual(message, "Please accept the terms and conditions of your subscription.")
        self.assertFalse(cart.recurring_terms_accepted_date)
        message = self._refused_payment(cart, recurring_terms_accepted=False)
        self.assertEqual(message, "Please accept the terms and conditions of your subscription.")

        tx = self._pay(cart, recurring_terms_accepted=True)
        self.assertEqual(tx.state, "done")
        self.assertTrue(cart.recurring_terms_accepted_date)
        sub = cart.recurring_source_subscription_ids
        self.assertEqual(sub.terms_accepted_date, cart.recurring_terms_accepted_date)
        self.assertEqual(sub.terms_accepted_partner_id, self.shopper_partner)

    def test_plans_without_terms_need_no_checkbox(self):
        _cart, response = self._checkout(recurring_plan_id=self.plan_monthly.id)
        self.assertNotIn("recurring_terms_checkbox", response.text)

    def test_a_start_date_that_has_passed_is_refused_at_payment(self):
        cart, _response = self._checkout(
            recurring_plan_id=self.plan_monthly.id,
            recurring_start_date=str(fields.Date.today() + timedelta(days=3)),
        )
        # The shopper comes back days later.
        cart.order_line.recurring_start_date = fields.Date.today() - timedelta(days=1)
        message = self._refused_payment(cart, amount=0.0)
        self.assertIn("The start date of Coworking membership has passed", message)
        self.assertEqual(cart.state, "draft")
