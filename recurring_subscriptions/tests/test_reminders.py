"""Renewal reminders and cards expiring before the next charge."""

from datetime import date

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common import RecurringPaymentCommon


@tagged("post_install", "-at_install")
class TestRenewalReminders(RecurringPaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_yearly_card = cls.env["recurring.plan"].create(
            {"name": "Yearly by card", "billing_unit": "year", "payment_mode": "token"}
        )
        cls.product_desk.recurring_product_plan_ids = [
            Command.create({"plan_id": cls.plan_yearly_card.id})
        ]
        cls.vat = cls.env["account.tax"].create(
            {"name": "VAT 20%", "amount": 20.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        cls.token = cls._token()
        with freeze_time("2026-01-01"):
            cls.sub = cls._create_subscription(
                plan=cls.plan_yearly_card,
                start=date(2026, 1, 1),
                payment_token_id=cls.token.id,
                lines=[
                    {
                        "product_id": cls.product_desk.id,
                        "quantity": 1.0,
                        "price_mode": "fixed",
                        "price_unit": 300.0,
                        "discount": 0.0,
                        "tax_ids": [Command.set(cls.vat.ids)],
                    }
                ],
            )
            cls.sub.action_start()
            cls.env["recurring.subscription"]._cron_process_due()
        cls.next_period = cls.sub.occurrence_ids.filtered(
            lambda o: o.period_start == date(2027, 1, 1)
        )

    def _mails(self, subject):
        return self.env["mail.mail"].search(
            [
                ("subject", "ilike", subject),
                ("model", "=", "recurring.subscription"),
                ("res_id", "=", self.sub.id),
            ]
        )

    def _run_reminders(self, day):
        with freeze_time(day):
            self.env["recurring.subscription.occurrence"]._cron_send_renewal_reminders()

    def test_yearly_plans_remind_fifteen_days_before(self):
        self.assertEqual(self.plan_yearly_card.reminder_days, 15)
        self.assertEqual(self.plan_monthly.reminder_days, 0)
        self.assertEqual(self.sub.next_date, date(2027, 1, 1))
        self._run_reminders("2026-12-16")
        self.assertFalse(self._mails("renews soon"))
        self._run_reminders("2026-12-17")
        mail = self._mails("renews soon")
        self.assertEqual(len(mail), 1)
        self.assertIn("360.00", mail.body_html)  # 300 + 20% VAT, as on the invoice
        self.assertIn(self.token.display_name, mail.body_html)
        self.assertIn(f"/my/subscriptions/{self.sub.id}", mail.body_html)
        self.assertEqual(self.next_period.reminder_sent_date, date(2026, 12, 17))
        # Once per period, however often the cron runs.
        self._run_reminders("2026-12-18")
        self.assertEqual(len(self._mails("renews soon")), 1)

    def test_no_reminder_for_skipped_period_or_scheduled_end(self):
        self.next_period.action_skip()
        self._run_reminders("2026-12-20")
        self.assertFalse(self._mails("renews soon"))
        self.next_period.action_restore()
        self.sub.action_cancel_at_period_end()
        self._run_reminders("2026-12-20")
        self.assertFalse(self._mails("renews soon"))
        self.assertFalse(self.next_period.reminder_sent_date)

    def test_card_expiring_before_the_charge(self):
        self.plan_yearly_card.reminder_days = 0
        self.token.recurring_card_expiry = date(2026, 12, 31)
        self._run_reminders("2026-11-15")  # charge more than 30 days away: not yet
        self.assertFalse(self._mails("update your card"))
        self._run_reminders("2026-12-10")
        self.assertEqual(len(self._mails("update your card")), 1)
        self.assertEqual(self.next_period.card_expiry_token_id, self.token)
        self._run_reminders("2026-12-11")
        self.assertEqual(len(self._mails("update your card")), 1)
        # A card valid on the charge date: nothing to ask.
        new_token = self._token(recurring_card_expiry=date(2028, 1, 31))
        self.sub.payment_token_id = new_token
        self._run_reminders("2026-12-12")
        self.assertEqual(len(self._mails("update your card")), 1)
