from odoo import models

from ..utils import batching


class RecurringSubscriptionOccurrence(models.Model):
    _inherit = "recurring.subscription.occurrence"

    def _charge_each(self):
        """In a renewal job: record the charges here, send them from a job of their own.

        Jobs may not commit, so the transactions are committed with the
        renewal job and only then sent: a job that dies after a provider call
        leaves the transaction in draft, sent again with the same reference.
        """
        if not self.env.context.get("recurring_queue_charges"):
            return super()._charge_each()
        transactions = self._create_charge_transactions()
        if transactions:
            key = batching.batch_identity_key("recurring_charge", "tx", transactions.ids)
            self.env["recurring.subscription.occurrence"].with_delay(
                identity_key=key,
                description=self.env._("Send %(count)s renewal charges", count=len(transactions)),
                **self.env["recurring.subscription"]._get_queue_job_options(),
            )._send_queued_transactions(transactions)
        return None

    def _send_queued_transactions(self, transactions):
        """Job: send the renewal charges still in draft and process the answers."""
        todo = transactions.sudo().filtered(lambda t: t.state == "draft")
        for company, company_txs in todo.grouped("company_id").items():
            company_txs.recurring_occurrence_id.with_company(company)._send_transactions(
                company_txs
            )
        return self.env._("%(count)s charges sent.", count=len(todo))
