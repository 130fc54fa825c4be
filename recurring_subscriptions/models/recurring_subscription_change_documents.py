from odoo import models
from odoo.fields import Command


class RecurringSubscription(models.Model):
    """The documents of a change of a running subscription (orders, invoices, credit
    notes, charges) and its log; see ``recurring_subscription_change.py``."""

    _inherit = "recurring.subscription"

    # ------------------------------------------------------------------
    # Documents of a change
    # ------------------------------------------------------------------

    def _change_invoice_line_vals(self, line):
        return {
            "product_id": line["product_id"],
            "name": line["name"],
            "quantity": line["quantity"],
            "product_uom_id": line["uom_id"],
            "price_unit": line["price_unit"],
            "discount": line["discount"],
            "tax_ids": [Command.set(line["tax_ids"])],
        }

    def _change_create_documents(self, lines, period=None):
        """Order and/or invoice of ``lines`` as the plan's renewals make them (posted).

        :param period: the period they pay (a switch); none for a mid-period change
        :return: the posted invoices
        """
        self.ensure_one()
        invoices = self.env["account.move"]
        if not lines:
            return invoices
        plan = self.plan_id
        link = {"recurring_subscription_id": self.id}
        if period:
            link["recurring_occurrence_id"] = period.id
        if plan.create_order:
            order_vals = (
                period._prepare_sale_order_values()
                if period
                else {
                    "partner_id": self.partner_id.id,
                    "partner_invoice_id": self.partner_invoice_id.id,
                    "partner_shipping_id": self.partner_shipping_id.id,
                    "company_id": self.company_id.id,
                    "pricelist_id": self.pricelist_id.id,
                    "currency_id": self.currency_id.id,
                    "user_id": self.user_id.id,
                    "origin": self.name,
                    "client_order_ref": self.name,
                    **link,
                }
            )
            order_vals["order_line"] = [
                Command.create(
                    {
                        "product_id": line["product_id"],
                        "name": line["name"],
                        "product_uom_qty": line["quantity"],
                        "product_uom": line["uom_id"],
                        "price_unit": line["price_unit"],
                        "discount": line["discount"],
                        "tax_id": [Command.set(line["tax_ids"])],
                        "recurring_plan_id": plan.id
                        if self.env["product.product"].browse(line["product_id"]).recurring_ok
                        else False,
                    }
                )
                for line in lines
            ]
            order = self.env["sale.order"].create(order_vals)
            self._change_log_event("order", order, occurrence=period)
            if plan.confirm_order:
                order.action_confirm()
                if plan.post_invoice:
                    invoices = order.with_context(
                        raise_if_nothing_to_invoice=False
                    )._create_invoices()
                    invoices.write(link)
        else:
            values = (
                period._prepare_invoice_values()
                if period
                else {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_invoice_id.id,
                    "partner_shipping_id": self.partner_shipping_id.id,
                    "company_id": self.company_id.id,
                    "currency_id": self.currency_id.id,
                    "invoice_origin": self.name,
                    "ref": self.name,
                    "invoice_user_id": self.user_id.id,
                    **link,
                }
            )
            values["invoice_line_ids"] = [
                Command.create(self._change_invoice_line_vals(line)) for line in lines
            ]
            if plan.journal_id:
                values["journal_id"] = plan.journal_id.id
            invoices = self.env["account.move"].create(values)
        if invoices:
            invoices.action_post()
            for invoice in invoices:
                self._change_log_event("invoice", invoice, occurrence=period)
        return invoices

    def _change_create_credit_note(self, lines, period):
        """Posted credit note of ``lines`` against the invoice of ``period``."""
        self.ensure_one()
        if not lines:
            return self.env["account.move"]
        invoice = period.invoice_id
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": (invoice.partner_id or self.partner_invoice_id).id,
                "currency_id": self.currency_id.id,
                "company_id": self.company_id.id,
                "reversed_entry_id": invoice.id,
                "invoice_origin": self.name,
                "ref": self.env._("Change of %(sub)s", sub=self.name),
                "recurring_subscription_id": self.id,
                "recurring_occurrence_id": period.id,
                "invoice_line_ids": [
                    Command.create(self._change_invoice_line_vals(line)) for line in lines
                ],
            }
        )
        credit_note.action_post()
        self._change_log_event("invoice", credit_note, occurrence=period)
        return credit_note

    def _change_reconcile(self, credit_note, invoices):
        """Settle the credit against the period's invoice if still open, then the new one:
        the card is charged the difference only."""
        if not credit_note:
            return
        for invoice in invoices.filtered(lambda m: m.state == "posted"):
            lines = (credit_note | invoice).line_ids.filtered(
                lambda l: l.account_id.account_type == "asset_receivable" and not l.reconciled
            )
            if len(lines) > 1 and len(lines.move_id) > 1:
                lines.reconcile()

    def _change_collect(self, invoices):
        """Charge the saved card for a mid-period change, or send a payment request."""
        self.ensure_one()
        invoices = invoices.filtered(
            lambda m: m.state == "posted" and m.payment_state not in ("paid", "in_payment")
        )
        if not invoices or self.payment_mode == "manual":
            return
        if self.payment_mode == "token" and self.payment_token_id.active:
            Transaction = self.env["payment.transaction"].sudo()
            for invoice in invoices:
                tx = Transaction.create(self._prepare_charge_transaction_values(invoice))
                try:
                    with self.env.cr.savepoint():
                        tx._send_payment_request()
                        tx._post_process()
                except Exception as error:
                    self._change_log_event(
                        "error",
                        tx,
                        message=self.env._(
                            "Payment %(reference)s could not be made: %(error)s",
                            reference=tx.reference,
                            error=error,
                        ),
                    )
            invoices = invoices.filtered(lambda m: m.payment_state not in ("paid", "in_payment"))
        if invoices:
            author = self.env.user
            invoices.filtered(lambda m: not m.is_move_sent and not m.sending_data).write(
                {
                    "sending_data": {
                        "author_user_id": author.id,
                        "author_partner_id": author.partner_id.id,
                    }
                }
            )
            self.env.ref("account.ir_cron_account_move_send")._trigger()

    # ------------------------------------------------------------------
    # Log: event, chatter and the customer's email
    # ------------------------------------------------------------------

    def _change_log_event(self, event_type, document, occurrence=None, message=None):
        labels = {
            "order": self.env._("Order %(name)s created for a change.", name=document.display_name),
            "invoice": self.env._("%(name)s posted for a change.", name=document.display_name),
        }
        self._log_event(
            event_type,
            (message or labels.get(event_type, ""))[:500],
            occurrence=occurrence,
            document=document,
        )

    def _change_log(self, message, occurrence=None, notify_customer=True):
        """Record a change made in the back office: event, chatter, email to the customer."""
        self.ensure_one()
        self._log_event("info", message[:500], occurrence=occurrence)
        template = self.env.ref(
            "recurring_subscriptions.mail_template_subscription_change", raise_if_not_found=False
        )
        if notify_customer and template:
            self.with_context(recurring_change=message).message_post_with_source(
                template, subtype_xmlid="mail.mt_comment"
            )
        else:
            self.message_post(body=message, subtype_xmlid="mail.mt_note")
