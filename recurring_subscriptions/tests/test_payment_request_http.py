from datetime import date

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .common import RecurringPaymentCommon


@tagged("post_install", "-at_install")
class TestPaymentRequestHttp(RecurringPaymentCommon, HttpCase):
    """Item 13 of issue 9: the pay link of a payment request saves the card."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider.allow_tokenization = True
        plan = cls.env["recurring.plan"].create(
            {"name": "Monthly, payment request", "payment_mode": "request"}
        )
        cls.product_desk.recurring_product_plan_ids = [Command.create({"plan_id": plan.id})]
        cls.sub = cls._create_subscription(plan=plan, start=date(2026, 1, 31))
        with freeze_time("2026-01-31"):
            cls.sub.action_start()
            cls.env["recurring.subscription"]._cron_process_due()
        cls.invoice = cls.sub.invoice_ids

    def test_paying_the_request_saves_the_card(self):
        token = self.invoice._portal_ensure_token()
        page = self.url_open(f"/my/invoices/{self.invoice.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        result = self.make_jsonrpc_request(
            f"/invoice/transaction/{self.invoice.id}",
            {
                "access_token": token,
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method.id,
                "token_id": None,
                "amount": self.invoice.amount_residual,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": self.invoice.get_portal_url(),
                "is_validation": False,
            },
        )
        tx = self.env["payment.transaction"].search([("reference", "=", result["reference"])])
        self.assertTrue(tx.tokenize, "the card is saved although the box was not ticked")
