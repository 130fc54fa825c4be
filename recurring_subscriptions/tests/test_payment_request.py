from datetime import date

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common import RecurringPaymentCommon


@tagged("post_install", "-at_install")
class TestPaymentRequest(RecurringPaymentCommon):
    """Item 13 of issue 9: payment requests and manual payers differ."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_request = cls.env["recurring.plan"].create(
            {"name": "Monthly, payment request", "payment_mode": "request"}
        )
        cls.product_desk.recurring_product_plan_ids = [
            Command.create({"plan_id": cls.plan_request.id})
        ]
        # This customer downloads invoices: Odoo's invoice sending emails nothing.
        cls.partner.with_company(cls.company).invoice_sending_method = "manual"

    def _renewed(self, plan):
        sub = self._create_subscription(plan=plan, start=date(2026, 1, 31))
        with freeze_time("2026-01-31"):
            sub.action_start()
            self._run_cron()
        return sub

    def _pay_link_mails(self, sub):
        return self.env["mail.mail"].search(
            [
                ("model", "=", sub._name),
                ("res_id", "=", sub.id),
                ("body_html", "ilike", sub.invoice_ids.get_portal_url()),
            ]
        )

    def test_manual_payer_follows_the_invoice_sending_preference(self):
        sub = self._renewed(self.plan_monthly)
        self.assertEqual(sub.payment_mode, "manual")
        self.assertTrue(sub.occurrence_ids.filtered("invoice_ids").payment_step_done)
        self.assertFalse(self._pay_link_mails(sub), "no email for a customer who downloads")

    def test_payment_request_always_sends_the_pay_link(self):
        sub = self._renewed(self.plan_request)
        self.assertEqual(len(self._pay_link_mails(sub)), 1)

    def test_card_saved_on_a_payment_request_pays_the_coming_periods(self):
        sub = self._renewed(self.plan_request)
        invoice = sub.invoice_ids
        provider = self.provider
        self.assertTrue(provider._is_tokenization_required(invoice_id=invoice.id))
        token = self._token()
        tx = self._invoice_transaction(
            invoice, token, operation="online_direct", reference="REQ-CARD-1"
        )
        tx._set_done()
        tx._post_process()
        self.assertEqual(sub.payment_token_id, token)
        self.assertEqual(sub.payment_mode, "token")
        self.assertEqual(invoice.payment_state in ("paid", "in_payment"), True)
        # The next period is charged to the card.
        with freeze_time("2026-02-28"):
            self._run_cron()
        self.assertTrue(sub.occurrence_ids.transaction_ids.filtered(lambda t: t.token_id == token))
