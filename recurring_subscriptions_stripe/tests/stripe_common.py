from odoo.fields import Command

from odoo.addons.payment_stripe.controllers.main import StripeController
from odoo.addons.payment_stripe.tests.common import StripeCommon
from odoo.addons.recurring_subscriptions.tests.common import RecurringCommon


class RecurringStripeCommon(RecurringCommon, StripeCommon):
    """Odoo's Stripe test provider (`payment_stripe.tests.common.StripeCommon`) with the
    card method, the subscription fixtures of `RecurringCommon` and a card-charged plan.

    `RecurringCommon` runs after `StripeCommon`, so its customers and the company's
    currency are the ones used here (`PaymentCommon` brings a partner and EUR of its
    own). Chatter and emails stay on: these tests read them.
    """

    @classmethod
    def default_env_context(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Renewals are paid by account_payment's real post-processing (payment, reconciling),
        # which PaymentCommon patches out unless told otherwise.
        cls.enable_post_process_patcher = False
        cls.card = cls.env.ref("payment.payment_method_card")
        cls.card.active = True
        cls.stripe.payment_method_ids = [Command.link(cls.card.id)]
        cls.plan_card = cls.env["recurring.plan"].create(
            {"name": "Monthly by card", "payment_mode": "token"}
        )
        cls.product_desk.recurring_product_plan_ids = [
            Command.create({"plan_id": cls.plan_card.id})
        ]

    @classmethod
    def _stripe_token(cls, partner=None, customer="cus_Recurring001", payment_method="pm_1"):
        return cls.env["payment.token"].create(
            {
                "provider_id": cls.stripe.id,
                "payment_method_id": cls.card.id,
                "partner_id": (partner or cls.partner).id,
                "payment_details": "4242",
                "provider_ref": customer,
                "stripe_payment_method": payment_method,
            }
        )

    def _card_subscription(self, token, partner=None, **values):
        sub = self._create_subscription(
            plan=self.plan_card, partner=partner, payment_token_id=token.id, **values
        )
        sub.action_start()
        return sub

    def _save_card(self, partner, payment_method="pm_card_visa"):
        """Save a card the way Odoo's payment form does, and return its token.

        A validation transaction creates a SetupIntent for the partner's Stripe
        customer; Stripe.js confirms it in the browser with the card; the return
        route reads it back with its payment method and hands it to the transaction,
        which makes the token. Call inside a Stripe adapter or a mock.
        """
        Transaction = self.env["payment.transaction"]
        tx = Transaction.create(
            {
                "provider_id": self.stripe.id,
                "payment_method_id": self.card.id,
                "reference": Transaction._compute_reference("stripe", prefix="SAVE"),
                "amount": 0.0,
                "currency_id": self.currency.id,
                "partner_id": partner.id,
                "operation": "validation",
                "tokenize": True,
            }
        )
        setup_intent = tx._stripe_create_intent()
        # Stripe.js, in the customer's browser:
        self.stripe._stripe_make_request(
            f"setup_intents/{setup_intent['id']}/confirm",
            payload={"payment_method": payment_method},
        )
        # StripeController.stripe_return:
        setup_intent = self.stripe._stripe_make_request(
            f"setup_intents/{setup_intent['id']}",
            payload={"expand[]": "payment_method"},
            method="GET",
        )
        notification_data = {"reference": tx.reference}
        StripeController._include_setup_intent_in_notification_data(setup_intent, notification_data)
        tx._handle_notification_data("stripe", notification_data)
        self.assertEqual(tx.state, "done", tx.state_message)
        return tx.token_id
