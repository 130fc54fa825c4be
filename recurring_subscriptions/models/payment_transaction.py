from odoo import SUPERUSER_ID, api, fields, models

from ..utils.charge_batch import ChargeBatch, message_rounds


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

    @api.constrains("token_id")
    def _check_token_is_active(self):  # pylint: disable=missing-return
        """Override of `payment`, whose check expects one transaction: the renewal
        engine creates the transactions of a whole batch (many cards) at once."""
        for tx in self:
            super(PaymentTransaction, tx)._check_token_is_active()

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
        reconciliation plan, with the values ``account_payment`` uses (the journal
        entries are generated first, so that ``_prepare_moves_to_post`` does for
        all of them what ``_post`` would do one by one). The
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
        # The journal entries first, to prepare their posting for the batch.
        payments._generate_journal_entry()
        self.env["recurring.subscription.occurrence"]._prepare_moves_to_post(payments.move_id)
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

    def _log_message_on_linked_documents(self, message):
        """Inside a batch of renewal charges, keep the message for ``_recurring_apply_batch``.

        A renewal charge logs on its invoice only (no order, no source
        transaction): the batch logs these notes with one bulk call per round.
        """
        batch = self.env.context.get("recurring_charge_batch")
        if (
            isinstance(batch, ChargeBatch)
            and self.recurring_occurrence_id
            and not self.source_transaction_id
            and not self.sale_order_ids
        ):
            batch.add_message(self.id, message)
            return
        super()._log_message_on_linked_documents(message)

    def _recurring_apply_batch(self, batch):
        """Log the messages and notes and raise the ranks that ``batch`` holds.

        The messages of ``self`` go to the same invoices, with the same author,
        as ``account_payment``'s ``_log_message_on_linked_documents`` would post
        them; the notes of the batch go to their records as the current user,
        the author ``message_post`` gives them.
        """
        messages = batch.pop_messages(self.ids)
        entries = []
        for tx in self.filtered(lambda t: t.id in messages):
            author = self.env.user.partner_id if self.env.uid == SUPERUSER_ID else tx.partner_id
            for message in messages[tx.id]:
                entries.extend(
                    (invoice.id, author.id, message) for invoice in tx._get_invoices_to_notify()
                )
        Move = self.env["account.move"].sudo()
        for author_id, bodies in message_rounds(entries):
            Move.browse(bodies)._message_log_batch(bodies=bodies, author_id=author_id)
        author = self.env.user.partner_id
        for model, notes in batch.pop_notes().items():
            Model = self.env[model].sudo()
            for _author_id, bodies in message_rounds(
                (record_id, author.id, note) for record_id, note in notes
            ):
                Model.browse(bodies)._message_log_batch(bodies=bodies, author_id=author.id)
        Partner = self.env["res.partner"].with_context(recurring_charge_batch=None)
        for (field, count), partner_ids in batch.pop_ranks().items():
            Partner.browse(partner_ids)._increase_rank(field, count)

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
                sub._log_event(
                    "payment",
                    self.env._(
                        "The card %(token)s saved while paying %(invoice)s pays the "
                        "coming periods.",
                        token=tx.token_id.display_name,
                        invoice=", ".join(tx.invoice_ids.mapped("name")),
                    ),
                )
