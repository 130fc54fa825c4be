"""The shop's digest: one email per cron run, grouped by what happened."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import RecurringPaymentCommon


@tagged("post_install", "-at_install")
class TestRunDigest(RecurringPaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "recurring_subscriptions.digest_recipients", "shop@example.com, boss@example.com"
        )
        cls.partner.write({"street": "1 Farm Road", "city": "Lyon"})
        cls.partner_b.write({"street": "2 Mill Lane", "city": "Lyon"})

    def _digests(self):
        return self.env["mail.mail"].search(
            [("email_to", "=", "shop@example.com,boss@example.com")], order="id"
        )

    @freeze_time("2026-01-31")
    def test_one_digest_grouped_by_outcome(self):
        paid = self._create_subscription(plan=self.plan_card, payment_token_id=self._token().id)
        declined = self._create_subscription(
            plan=self.plan_card,
            partner=self.partner_b,
            payment_token_id=self._token("error", partner=self.partner_b).id,
        )
        archived_product = self.env["product.product"].create(
            {"name": "Old box", "list_price": 5.0, "taxes_id": []}
        )
        unavailable = self._create_subscription(
            lines=[
                {
                    "product_id": archived_product.id,
                    "quantity": 1,
                    "price_mode": "fixed",
                    "price_unit": 5.0,
                }
            ]
        )
        (paid | declined | unavailable).action_start()
        archived_product.action_archive()
        self.assertFalse(self._digests())

        self._run_cron()

        digest = self._digests()
        self.assertEqual(len(digest), 1)
        body = digest.body_html
        for section in ("renewed", "paid", "payment_failed", "product_unavailable"):
            self.assertIn(f"o_recurring_digest_{section}", body)
        self.assertNotIn("o_recurring_digest_data_missing", body)
        self.assertIn("Payment failed (1)", body)
        self.assertIn(f"res_id={declined.id}", body)
        self.assertIn(f"model=recurring.subscription&amp;res_id={unavailable.id}", body)
        self.assertIn("Renewed (3)", body)
        self.assertIn("archived or no longer sold: Old box", body)

    @freeze_time("2026-01-31")
    def test_nothing_to_say_sends_nothing(self):
        sub = self._create_subscription(start=date(2026, 3, 1))
        sub.action_start()
        self._run_cron()
        self.assertFalse(self._digests())

    @freeze_time("2026-01-31")
    def test_digest_can_be_turned_off(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "recurring_subscriptions.digest_recipients", "off"
        )
        self._create_subscription().action_start()
        self._run_cron()
        self.assertFalse(self.env["recurring.run.digest"]._get_digest_recipients())
        self.assertFalse(self._digests())
