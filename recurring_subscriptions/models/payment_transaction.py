from odoo import fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    recurring_occurrence_id = fields.Many2one(
        "recurring.subscription.occurrence",
        string="Subscription Period",
        readonly=True,
        index="btree_not_null",
    )
    recurring_needs_authentication = fields.Boolean(
        string="Needs Customer Authentication",
        readonly=True,
        help="The provider refused this off-session payment until the customer "
        "authenticates it (e.g. 3-D Secure).",
    )

    def _post_process(self):
        """Turn the outcome of renewal payments into subscription states."""
        self._recurring_create_payments()
        result = super()._post_process()
        renewals = self.filtered("recurring_occurrence_id")
        if renewals:
            self.env["recurring.subscription.occurrence"]._on_transactions_outcome(renewals)
        self._recurring_link_tokens_to_subscriptions()
        return result

    def _recurring_create_payments(self):
        """Create, post and reconcile the payments of done renewal charges together.

        ``account_payment`` makes them one transaction at a time during
        post-processing; the renewal cron charges cards by the batch, so it makes
        their payments with one ``create``, one ``action_post`` and one
        reconciliation plan, with the values ``account_payment`` uses. The
        transactions then carry their payment and the standard post-processing
        only logs it. Single transactions and invoices with an early payment
        discount keep Odoo's own path.
        """
        batch = self.filtered(
            lambda t: (
                t.recurring_occurrence_id
                and t.state == "done"
                and t.operation == "offline"
                and t.amount > 0
                and not t.payment_id
                and not t.is_post_processed
                and t.provider_id.journal_id
                and t.invoice_ids
                and all(
                    inv.state == "posted" and not inv.invoice_payment_term_id.early_discount
                    for inv in t.invoice_ids
                )
            )
        )
        if len(batch) < 2:
            return
        vals_list = []
        for tx in batch:
            journal = tx.provider_id.journal_id
            method_line = journal.inbound_payment_method_line_ids.filtered(
                lambda line, provider=tx.provider_id: line.payment_provider_id == provider
            )
            vals_list.append(
                {
                    "amount": tx.amount,
                    "payment_type": "inbound",
                    "currency_id": tx.currency_id.id,
                    "partner_id": tx.partner_id.commercial_partner_id.id,
                    "partner_type": "customer",
                    "journal_id": journal.id,
                    "company_id": tx.provider_id.company_id.id,
                    "payment_method_line_id": method_line[:1].id,
                    "payment_token_id": tx.token_id.id,
                    "payment_transaction_id": tx.id,
                    "memo": " - ".join(
                        [
                            tx.reference,
                            tx.partner_id.display_name or "",
                            tx.provider_reference or "",
                        ]
                    ),
                    "invoice_ids": [fields.Command.set(tx.invoice_ids.ids)],
                }
            )
        payments = self.env["account.payment"].create(vals_list)
        payments.action_post()
        plan = []
        for tx, payment in zip(batch, payments, strict=True):
            tx.payment_id = payment
            plan.append(
                (payment.move_id.line_ids + tx.invoice_ids.line_ids).filtered(
                    lambda line, account=payment.destination_account_id: (
                        line.account_id == account and not line.reconciled
                    )
                )
            )
        self.env["account.move.line"]._reconcile_plan(plan)

    def _recurring_link_tokens_to_subscriptions(self):
        """The card saved while paying an order pays the subscriptions it created."""
        for tx in self.filtered(lambda t: t.token_id and t.state in ("done", "authorized")):
            subscriptions = tx.sale_order_ids.recurring_source_subscription_ids.filtered(
                lambda s: not s.payment_token_id and s.state != "closed"
            )
            if subscriptions:
                subscriptions.sudo().payment_token_id = tx.token_id
        self._recurring_adopt_invoice_tokens()

    def _recurring_adopt_invoice_tokens(self):
        """A card saved while paying a payment request pays the coming periods."""
        for tx in self.filtered(lambda t: t.token_id.active and t.state == "done"):
            subscriptions = tx.invoice_ids.recurring_subscription_id.filtered(
                lambda s: s.state != "closed" and s.payment_mode == "request"
            )
            for sub in subscriptions.sudo():
                sub.write({"payment_token_id": tx.token_id.id, "payment_mode": "token"})
                sub._log_events(
                    [
                        {
                            "subscription_id": sub.id,
                            "event_type": "payment",
                            "message": self.env._(
                                "The card %(token)s saved while paying %(invoice)s pays the "
                                "coming periods.",
                                token=tx.token_id.display_name,
                                invoice=", ".join(tx.invoice_ids.mapped("name")),
                            ),
                        }
                    ]
                )

    # ------------------------------------------------------------------
    # Stripe (payment_stripe overrides; everything above is provider-agnostic)
    # ------------------------------------------------------------------

    def _stripe_create_customer(self):
        """Override of `payment_stripe` to reuse one Stripe customer per partner.

        Odoo creates a Stripe customer for every intent, so every saved card had its
        own. When the commercial partner already has an active Stripe token on this
        provider, that token's customer (``provider_ref``) is returned instead.

        Nothing has to be attached by hand: the customer goes into the SetupIntent
        (or the PaymentIntent with ``setup_future_usage``), Stripe attaches the new
        payment method to it when the intent succeeds, and the token that Odoo makes
        from the notification stores that customer and the new payment method.
        """
        return self._stripe_get_partner_customer() or super()._stripe_create_customer()

    def _stripe_get_partner_customer(self):
        """The Stripe customer of the partner's latest active token here, or None.

        The customer is read back from Stripe first: one that Stripe no longer has
        (deleted, or made with the keys of the other mode) is not reused.
        """
        self.ensure_one()
        token_sudo = (
            self.env["payment.token"]
            .sudo()
            .search(
                [
                    ("provider_id", "=", self.provider_id.id),
                    ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                    ("provider_ref", "!=", False),
                ],
                order="id desc",
                limit=1,
            )
        )
        if not token_sudo:
            return None
        # offline=True: an unknown customer comes back as Stripe's error instead of raising.
        customer = self.provider_id._stripe_make_request(
            f"customers/{token_sudo.provider_ref}", method="GET", offline=True
        )
        if customer.get("id") != token_sudo.provider_ref or customer.get("deleted"):
            return None
        return customer

    def _process_notification_data(self, notification_data):
        """Override of `payment_stripe` to flag renewal charges that need the customer.

        Off-session, Stripe refuses a payment that needs 3-D Secure with the code
        ``authentication_required`` (in the PaymentIntent's ``last_payment_error``,
        synchronously and in the ``payment_intent.payment_failed`` webhook): the
        transaction ends in error like a decline, and the flag tells the renewal
        engine to ask the customer instead of retrying the card.
        """
        super()._process_notification_data(notification_data)
        if self.provider_code != "stripe" or self.operation != "offline":
            return
        payment_intent = notification_data.get("payment_intent") or {}
        error = payment_intent.get("last_payment_error") or {}
        if payment_intent.get("status") == "requires_action" or "authentication_required" in (
            error.get("code"),
            error.get("decline_code"),
        ):
            self.recurring_needs_authentication = True
