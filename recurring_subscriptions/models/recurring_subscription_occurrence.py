import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command

from ..const import (
    CHARGE_PARTNER_FIELDS,
    ENGINE_CONTEXT,
    ENGINE_OCCURRENCE_FIELDS,
    OCCURRENCE_STATE_SELECTION,
)
from ..utils import dunning
from ..utils.charge_batch import ChargeBatch

_logger = logging.getLogger(__name__)


class RecurringSubscriptionOccurrence(models.Model):
    """One billing period of a subscription, past or coming.

    The row is the idempotency key of the renewal engine: a period has one row
    (unique on subscription and start), and the documents made for it point back
    to it, so a second run finds them instead of making new ones.
    """

    _name = "recurring.subscription.occurrence"
    _description = "Subscription Period"
    _order = "subscription_id, period_start"
    _rec_name = "period_start"

    subscription_id = fields.Many2one(
        "recurring.subscription", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="subscription_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="subscription_id.partner_id")
    currency_id = fields.Many2one(related="subscription_id.currency_id")
    period_index = fields.Integer(string="Period #", help="Index of the period from the anchor.")
    period_start = fields.Date(required=True, index=True)
    period_end = fields.Date(required=True)
    state = fields.Selection(
        OCCURRENCE_STATE_SELECTION, default="planned", required=True, index=True
    )
    order_ids = fields.One2many("sale.order", "recurring_occurrence_id", string="Orders")
    source_order_id = fields.Many2one(
        "sale.order",
        readonly=True,
        help="The sale order that created the subscription and pays for this period.",
    )
    order_id = fields.Many2one("sale.order", compute="_compute_order_id")
    invoice_ids = fields.One2many("account.move", "recurring_occurrence_id", string="Invoices")
    invoice_id = fields.Many2one("account.move", compute="_compute_invoice_id")
    transaction_ids = fields.One2many(
        "payment.transaction", "recurring_occurrence_id", string="Payment Transactions"
    )
    payment_step_done = fields.Boolean(
        copy=False,
        help="The payment step (charge, payment request or invoice sending) has run for "
        "this period.",
    )
    invoice_payment_state = fields.Selection(
        selection=lambda self: self.env["account.move"]._fields["payment_state"].selection,
        string="Payment Status",
        compute="_compute_invoice_id",
    )
    payment_attempt_count = fields.Integer(
        readonly=True, help="Charges tried for this period's invoice."
    )
    payment_first_failure = fields.Datetime(readonly=True)
    next_payment_retry = fields.Datetime(readonly=True, index="btree_not_null")
    payment_action_required = fields.Boolean(
        readonly=True, help="The customer must authenticate the payment (3-D Secure)."
    )
    error_message = fields.Text(readonly=True)
    attempt_count = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "subscription_period_unique",
            "UNIQUE(subscription_id, period_start)",
            "A subscription has one row per period.",
        ),
    ]

    @api.depends("order_ids", "source_order_id")
    def _compute_order_id(self):
        for occurrence in self:
            occurrence.order_id = occurrence.order_ids[:1] or occurrence.source_order_id

    @api.depends(
        "invoice_ids.payment_state",
        "source_order_id.invoice_ids.state",
        "source_order_id.invoice_ids.payment_state",
    )
    def _compute_invoice_id(self):
        for occurrence in self:
            invoices = occurrence.invoice_ids or occurrence.source_order_id.invoice_ids
            invoice = invoices.filtered(
                lambda m: m.move_type == "out_invoice" and m.state != "cancel"
            )[:1]
            occurrence.invoice_id = invoice
            occurrence.invoice_payment_state = invoice.payment_state

    @api.depends("subscription_id.name", "period_start", "period_end")
    def _compute_display_name(self):
        for occurrence in self:
            occurrence.display_name = self.env._(
                "%(subscription)s: %(start)s - %(end)s",
                subscription=occurrence.subscription_id.name,
                start=occurrence.period_start,
                end=occurrence.period_end,
            )

    def write(self, vals):
        self._check_engine_fields(vals, ENGINE_OCCURRENCE_FIELDS)
        return super().write(vals)

    def _check_engine_fields(self, vals, engine_fields):
        """Period states and payment flags are the renewal engine's: it writes them as
        superuser or with the ``recurring_engine`` context key set to ``ENGINE_CONTEXT``,
        never a user by RPC."""
        if (
            engine_fields & set(vals)
            and not self.env.su
            and self.env.context.get("recurring_engine") is not ENGINE_CONTEXT
        ):
            raise AccessError(
                self.env._(
                    "%(fields)s are set by the renewal engine and cannot be changed by hand.",
                    fields=", ".join(sorted(engine_fields & set(vals))),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_documents(self):
        if self.filtered(lambda o: o.order_ids or o.invoice_ids or o.transaction_ids):
            raise UserError(self.env._("A period that produced documents cannot be deleted."))

    def _log_event(self, event_type, message, document=None):
        """Write one event about this period in its subscription's log."""
        self.ensure_one()
        return self.subscription_id._log_event(
            event_type, message[:500], occurrence=self, document=document
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_skip(self):
        """Skip coming periods: no order, invoice or charge is made for them."""
        not_planned = self.filtered(lambda o: o.state != "planned")
        if not_planned:
            raise UserError(self.env._("Only planned periods can be skipped."))
        self.with_context(recurring_engine=ENGINE_CONTEXT).write({"state": "skipped"})
        self.subscription_id._log_events(
            [
                o.subscription_id._prepare_event_values(
                    "period",
                    self.env._("Period starting %(date)s skipped.", date=o.period_start),
                    occurrence=o,
                )
                for o in self
            ]
        )
        return True

    def action_restore(self):
        """Restore skipped periods that have not started yet."""
        today = fields.Date.context_today(self)
        if self.filtered(lambda o: o.state != "skipped"):
            raise UserError(self.env._("Only skipped periods can be restored."))
        past = self.filtered(
            lambda o: o.period_start < o.subscription_id.next_date or o.period_start < today
        )
        if past:
            raise UserError(self.env._("A period that has already started cannot be restored."))
        self.with_context(recurring_engine=ENGINE_CONTEXT).write({"state": "planned"})
        self.subscription_id._log_events(
            [
                o.subscription_id._prepare_event_values(
                    "period",
                    self.env._("Period starting %(date)s restored.", date=o.period_start),
                    occurrence=o,
                )
                for o in self
            ]
        )
        return True

    # ------------------------------------------------------------------
    # Renewal engine: documents for a batch of periods
    # ------------------------------------------------------------------

    def _generate_documents(self):
        """Create the sale orders and/or invoices of these periods, in batch.

        Only periods without documents are handled, so calling this twice is
        harmless. Every ORM call is made once for the whole recordset.

        :return: the periods handled now (the others were already done)
        """
        todo = self.filtered(
            lambda o: o.state in ("planned", "failed") and not o.order_ids and not o.invoice_ids
        )
        empty = todo.filtered(lambda o: not any(l.quantity > 0 for l in o.subscription_id.line_ids))
        if empty:
            empty.write({"state": "done", "payment_step_done": True, "error_message": False})
            empty.subscription_id._log_events(
                [
                    o.subscription_id._prepare_event_values(
                        "period",
                        self.env._("Nothing to deliver this period: no document made."),
                        occurrence=o,
                    )
                    for o in empty
                ]
            )
            todo -= empty
        if not todo:
            return empty
        with_order = todo.filtered(lambda o: o.subscription_id.plan_id.create_order)
        invoice_only = todo - with_order
        events = []
        invoices = self.env["account.move"]

        if with_order:
            orders = self.env["sale.order"].create(
                [occurrence._prepare_sale_order_values() for occurrence in with_order]
            )
            events += [
                order.recurring_subscription_id._prepare_event_values(
                    "order",
                    self.env._("Order %(order)s created.", order=order.name),
                    occurrence=order.recurring_occurrence_id,
                    document=order,
                )
                for order in orders
            ]
            to_confirm = orders.filtered(
                lambda o: o.recurring_subscription_id.plan_id.confirm_order
            )
            if to_confirm:
                self._subscribe_document_partners(to_confirm)
                to_confirm.action_confirm()
            to_invoice = to_confirm.filtered(
                lambda o: o.recurring_subscription_id.plan_id.post_invoice
            )
            if to_invoice:
                invoices |= to_invoice.with_context(
                    raise_if_nothing_to_invoice=False
                )._create_invoices(grouped=True)

        if invoice_only:
            invoices |= self.env["account.move"].create(
                [occurrence._prepare_invoice_values() for occurrence in invoice_only]
            )

        if invoices:
            self._prepare_moves_to_post(invoices)
            invoices.action_post()
            events += [
                invoice.recurring_subscription_id._prepare_event_values(
                    "invoice",
                    self.env._("Invoice %(invoice)s posted.", invoice=invoice.name),
                    occurrence=invoice.recurring_occurrence_id,
                    document=invoice,
                )
                for invoice in invoices
            ]
        todo.write({"state": "done", "error_message": False})
        todo.subscription_id._log_events(events)
        return todo | empty

    @api.model
    def _subscribe_document_partners(self, documents):
        """Make the partner of each document one of its followers, with one insert.

        ``sale.order.action_confirm`` and ``account.move._post`` subscribe each
        document's partner with its own ``message_subscribe`` (five queries a
        record); subscribed beforehand for the whole batch, they find nothing
        left to do. Same default subtypes as ``mail.followers._add_default_followers``.
        """
        documents = documents.sudo()
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(
            documents._name
        )
        vals_list = [
            {
                "res_model": documents._name,
                "res_id": document.id,
                "partner_id": document.partner_id.id,
                "subtype_ids": [
                    Command.set((external if document.partner_id.partner_share else default).ids)
                ],
            }
            for document in documents
            if document.partner_id.active
            and document.partner_id not in document.message_partner_ids
        ]
        if vals_list:
            self.env["mail.followers"].sudo().create(vals_list)

    @api.model
    def _prepare_moves_to_post(self, moves):
        """Do for the whole batch what ``account.move._post`` does move by move.

        ``_post`` subscribes each move's partner (``message_subscribe``) and dates
        each undated customer invoice today with a write per invoice; done here
        with one insert and one write, ``_post`` finds both done.
        """
        self._subscribe_document_partners(moves)
        undated = moves.filtered(
            lambda m: not m.invoice_date and m.is_sale_document(include_receipts=True)
        )
        if undated:
            undated.invoice_date = fields.Date.context_today(undated)

    def _prepare_sale_order_values(self):
        self.ensure_one()
        sub = self.subscription_id
        plan = sub.plan_id
        values = {
            "partner_id": sub.partner_id.id,
            "partner_invoice_id": sub.partner_invoice_id.id,
            "partner_shipping_id": sub.partner_shipping_id.id,
            "company_id": sub.company_id.id,
            "pricelist_id": sub.pricelist_id.id,
            "currency_id": sub.currency_id.id,
            "user_id": sub.user_id.id,
            "date_order": fields.Datetime.to_datetime(self.period_start),
            "origin": sub.name,
            "client_order_ref": sub.name,
            "recurring_subscription_id": sub.id,
            "recurring_occurrence_id": self.id,
            "fiscal_position_id": sub.fiscal_position_id.id,
            "order_line": [
                Command.create(line_vals)
                for line_vals in self._prepare_line_values(for_invoice=False)
            ],
        }
        if sub.payment_term_id:
            values["payment_term_id"] = sub.payment_term_id.id
        if plan.journal_id:
            values["journal_id"] = plan.journal_id.id
        return values

    def _prepare_invoice_values(self):
        self.ensure_one()
        sub = self.subscription_id
        values = {
            "move_type": "out_invoice",
            "partner_id": sub.partner_invoice_id.id,
            "partner_shipping_id": sub.partner_shipping_id.id,
            "company_id": sub.company_id.id,
            "currency_id": sub.currency_id.id,
            "invoice_date": self.period_start,
            "invoice_origin": sub.name,
            "ref": sub.name,
            "invoice_user_id": sub.user_id.id,
            "recurring_subscription_id": sub.id,
            "recurring_occurrence_id": self.id,
            "fiscal_position_id": sub.fiscal_position_id.id,
            "invoice_line_ids": [
                Command.create(line_vals)
                for line_vals in self._prepare_line_values(for_invoice=True)
            ],
        }
        if sub.payment_term_id:
            values["invoice_payment_term_id"] = sub.payment_term_id.id
        if sub.plan_id.journal_id:
            values["journal_id"] = sub.plan_id.journal_id.id
        return values

    def _prepare_line_values(self, for_invoice):
        """Order or invoice line values for the subscription lines, priced for this period."""
        self.ensure_one()
        sub = self.subscription_id
        result = []
        for line in sub.line_ids:  # no filtered(): it would break the batch prefetch
            if line.quantity <= 0:
                continue
            price, discount = line._get_period_price(self.period_start)
            vals = {
                "product_id": line.product_id.id,
                "name": line._get_period_description(self.period_start, self.period_end),
                "discount": discount,
            }
            if for_invoice:
                vals.update(
                    quantity=line.quantity,
                    product_uom_id=line.product_uom_id.id,
                    price_unit=price,
                    tax_ids=[Command.set(line.tax_ids.ids)],
                )
            else:
                vals.update(
                    product_uom_qty=line.quantity,
                    product_uom=line.product_uom_id.id,
                    price_unit=price,
                    tax_id=[Command.set(line.tax_ids.ids)],
                    recurring_plan_id=sub.plan_id.id if line.product_id.recurring_ok else False,
                )
            result.append(vals)
        return result

    # ------------------------------------------------------------------
    # Hooks for features built on periods (e.g. credits granted per period)
    # ------------------------------------------------------------------

    def _on_periods_started(self):
        """Called once for periods whose service starts: renewed, or paid by the
        source order. Extend to act on it; ``self`` may hold many periods."""
        # Booking credits of plans granting them when the period starts.
        self.env["recurring.credit.entry"]._grant_period_credits(self, "start")
        return True

    def _on_periods_paid(self):
        """Called when the invoice of these periods is fully paid."""
        # Booking credits of plans granting them when the period's invoice is paid.
        self.env["recurring.credit.entry"]._grant_period_credits(self, "paid")
        return True

    # ------------------------------------------------------------------
    # Renewal engine: payment step
    # ------------------------------------------------------------------

    def _run_payment_step(self):
        """Charge, request or send the invoices of these periods (once per period)."""
        todo = self.filtered(
            lambda o: (
                o.state == "done" and not o.payment_step_done and o.invoice_id.state == "posted"
            )
        )
        if not todo:
            return
        paid = todo.filtered(lambda o: o.invoice_id.payment_state in ("paid", "in_payment"))
        to_send = self.env["recurring.subscription.occurrence"]
        to_charge = self.env["recurring.subscription.occurrence"]
        no_card = self.env["recurring.subscription.occurrence"]
        for occurrence in todo - paid:
            sub = occurrence.subscription_id
            if sub.payment_mode == "token":
                if sub.payment_token_id.active:
                    to_charge |= occurrence
                else:
                    no_card |= occurrence
            else:
                to_send |= occurrence
        paid.payment_step_done = True
        if no_card:
            no_card.subscription_id._log_events(
                [
                    o.subscription_id._prepare_event_values(
                        "payment",
                        self.env._("No saved payment method: a payment request was sent instead."),
                        occurrence=o,
                    )
                    for o in no_card
                ]
            )
        (to_send | no_card)._send_invoices()
        requests = no_card | to_send.filtered(lambda o: o.subscription_id.payment_mode == "request")
        requests._send_payment_requests()
        to_charge._charge_each()

    def _send_payment_requests(self):
        """A payment request always reaches the customer: the invoice goes out as the
        customer prefers (above); when that preference is not email, the pay link is
        emailed anyway. The link lets them save a card for the coming periods."""
        for occurrence in self:
            invoice = occurrence.invoice_id
            method = invoice.partner_id.with_company(invoice.company_id).invoice_sending_method
            if method and method != "email":
                occurrence.subscription_id._send_template(
                    "recurring_subscriptions.mail_template_payment_request", occurrence
                )

    def _send_invoices(self):
        """Hand the invoices to Odoo's asynchronous invoice sending (email with pay link)."""
        if not self:
            return
        invoices = self.invoice_id
        author = self.env.user
        invoices.filtered(lambda m: not m.is_move_sent and not m.sending_data).write(
            {
                "sending_data": {
                    "author_user_id": author.id,
                    "author_partner_id": author.partner_id.id,
                }
            }
        )
        self.payment_step_done = True
        self.env.ref("account.ir_cron_account_move_send")._trigger()

    def _charge_each(self):
        """Charge the saved card of each period, in batch.

        The transactions are recorded, and committed outside tests, before any
        provider is called, so a crash after a call can never lead to a second
        charge for a period. Each provider call is isolated in a savepoint, and
        no commit ever happens inside a savepoint.
        """
        transactions = self._create_charge_transactions()
        if transactions:
            self.subscription_id._commit_if_allowed()
            self._send_transactions(transactions)

    def _create_charge_transactions(self):
        """Record one new offline transaction per chargeable period (not sent yet).

        Every attempt is a new transaction (a new reference, hence a new
        idempotency key at the provider); nothing is charged while another
        transaction of the period is still open.
        """
        chargeable = self.filtered(lambda o: o._can_charge())
        if not chargeable:
            return self.env["payment.transaction"]
        try:
            with self.env.cr.savepoint():
                return chargeable._record_charge_transactions()
        except Exception:  # find the culprit: one by one
            _logger.info("Recording %s charges failed; retrying one by one", len(chargeable))
        transactions = self.env["payment.transaction"]
        for occurrence in chargeable:
            try:
                with self.env.cr.savepoint():
                    transactions |= occurrence._record_charge_transactions()
            except Exception as error:  # one charge never stops the others
                _logger.warning("Charge for %s failed: %s", occurrence.display_name, error)
                occurrence._log_event(
                    "error",
                    self.env._("The payment could not be started: %(error)s", error=error),
                )
        return transactions

    def _can_charge(self):
        self.ensure_one()
        open_tx = self.transaction_ids.filtered(
            lambda t: t.state in ("draft", "pending", "authorized", "done")
        )
        return (
            not open_tx
            and self.invoice_id.state == "posted"
            and self.invoice_id.payment_state not in ("paid", "in_payment")
            and self.subscription_id.payment_token_id.active
        )

    def _record_charge_transactions(self):
        Transaction = self.env["payment.transaction"]
        invoices = self.invoice_id
        # What the transactions copy from their partner, read for the batch at once.
        invoices.partner_id.fetch(CHARGE_PARTNER_FIELDS)
        # An invoice name not used as a reference yet is the reference, as
        # ``_compute_reference`` would make it; the others get a numbered one.
        names = {name for name in invoices.mapped("name") if name and name.isascii()}
        taken = set(
            Transaction.sudo()
            .search_fetch([("reference", "in", list(names))], ["reference"])
            .mapped("reference")
        )
        vals_list = []
        for occurrence in self:
            name = occurrence.invoice_id.name
            reference = name if name in names and name not in taken else None
            taken.add(name)
            vals_list.append(
                {
                    **occurrence.subscription_id._prepare_charge_transaction_values(
                        occurrence.invoice_id, reference=reference
                    ),
                    "recurring_occurrence_id": occurrence.id,
                }
            )
        transactions = Transaction.sudo().create(vals_list)
        for count, occurrences in self.grouped("payment_attempt_count").items():
            occurrences.write(
                {
                    "payment_step_done": True,
                    "payment_attempt_count": count + 1,
                    "next_payment_retry": False,
                }
            )
        return transactions

    def _send_transactions(self, transactions):
        """Send recorded transactions to their providers and process the answers.

        When a provider cannot be reached, that subscription's charge is rolled
        back and the same draft transaction (same reference, so same idempotency
        key) is sent again by a later run: the customer is never charged twice.

        The notes the payment framework logs on each invoice and the customer
        ranks raised by each payment are collected in a ``ChargeBatch`` and
        applied in bulk (``payment.transaction._recurring_apply_batch``); what a
        rolled-back savepoint collected is forgotten with it.
        """
        batch = ChargeBatch()
        transactions = transactions.with_context(recurring_charge_batch=batch)
        answered = transactions.browse()
        for tx_sudo in transactions:
            occurrence = tx_sudo.recurring_occurrence_id
            checkpoint = batch.checkpoint()
            try:
                with self.env.cr.savepoint():
                    tx_sudo._send_payment_request()
            except Exception as error:  # the provider could not be reached
                batch.restore(checkpoint)
                _logger.warning("Sending %s failed: %s", tx_sudo.reference, error)
                occurrence._log_event(
                    "error",
                    self.env._(
                        "Payment %(reference)s could not reach the provider (%(error)s); "
                        "it will be sent again.",
                        reference=tx_sudo.reference,
                        error=error,
                    ),
                    tx_sudo,
                )
                continue
            if tx_sudo.state == "draft":
                # The provider answered but wants the customer (e.g. 3-D Secure).
                tx_sudo.recurring_needs_authentication = True
                tx_sudo._set_error(
                    self.env._("The customer's bank asks them to authenticate this payment.")
                )
            answered |= tx_sudo
        if answered and self._post_process_answered(answered, batch):
            _logger.info("Post-processing %s payments failed; one by one", len(answered))
            for tx_sudo in answered:
                error = self._post_process_answered(tx_sudo, batch)
                if error:  # the payment cron post-processes it again later
                    _logger.warning("Post-processing of %s failed: %s", tx_sudo.reference, error)
        # Notes of transactions whose post-processing failed (the payment cron
        # post-processes them again later).
        transactions._recurring_apply_batch(batch)

    def _post_process_answered(self, transactions, batch):
        """Post-process ``transactions`` in a savepoint; the error when it failed."""
        checkpoint = batch.checkpoint()
        try:
            with self.env.cr.savepoint():
                transactions._post_process()
                transactions._recurring_apply_batch(batch)
        except Exception as error:  # isolate the transaction that fails
            batch.restore(checkpoint)
            return error
        return None

    @api.model
    def _on_transactions_outcome(self, transactions):
        """React to the final or pending state of renewal transactions, in batch.

        Called from ``payment.transaction._post_process``, whichever way the
        state arrived (direct answer, webhook, payment cron).
        """
        done = transactions.filtered(lambda t: t.state == "done")
        pending = transactions.filtered(lambda t: t.state in ("pending", "authorized"))
        failed = transactions.filtered(lambda t: t.state in ("error", "cancel"))
        if done:
            periods = done.recurring_occurrence_id
            periods.write({"next_payment_retry": False, "payment_action_required": False})
            # The paid invoice goes out as the customer's receipt.
            periods._send_invoices()
        events = [
            tx.recurring_occurrence_id.subscription_id._prepare_event_values(
                "payment",
                (
                    self.env._(
                        "Payment %(reference)s of %(amount)s received.",
                        reference=tx.reference,
                        amount=tx.currency_id.format(tx.amount),
                    )
                    if tx.state == "done"
                    else self.env._(
                        "Payment %(reference)s of %(amount)s is pending.",
                        reference=tx.reference,
                        amount=tx.currency_id.format(tx.amount),
                    )
                ),
                occurrence=tx.recurring_occurrence_id,
                document=tx,
            )
            for tx in done | pending
        ]
        self.env["recurring.subscription"]._log_events(events)
        for tx in failed:
            tx.recurring_occurrence_id._on_payment_failure(tx, tx.currency_id.format(tx.amount))

    def _on_payment_failure(self, tx_sudo, amount):
        """A charge failed: past due, customer told, retry scheduled or final action."""
        self.ensure_one()
        sub = self.subscription_id
        plan = sub.plan_id
        now = fields.Datetime.now()
        first_failure = self.payment_first_failure or now
        message = tx_sudo.state_message or tx_sudo.state
        self._log_event(
            "error",
            self.env._(
                "Payment %(reference)s of %(amount)s failed: %(message)s",
                reference=tx_sudo.reference,
                amount=amount,
                message=message,
            ),
            tx_sudo,
        )
        sub._set_past_due()
        if tx_sudo.recurring_needs_authentication:
            # No retry loop against a card that needs the customer.
            self.write(
                {
                    "payment_first_failure": first_failure,
                    "payment_action_required": True,
                    "next_payment_retry": False,
                }
            )
            sub._send_template(
                "recurring_subscriptions.mail_template_payment_action_required", self
            )
            sub.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Customer must authenticate a payment"),
                note=message,
                user_id=sub.user_id.id or self.env.uid,
            )
            return
        retry_at = dunning.next_retry(
            first_failure,
            plan._get_retry_days(),
            self.payment_attempt_count,
            plan.dunning_max_attempts,
        )
        self.write({"payment_first_failure": first_failure, "next_payment_retry": retry_at})
        if retry_at:
            if self.payment_attempt_count == 1:
                sub._send_template("recurring_subscriptions.mail_template_payment_failed", self)
            return
        sub._apply_dunning_final_action(self)
