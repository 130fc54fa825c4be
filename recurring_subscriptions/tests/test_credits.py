from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common_credit import CreditCommon


@tagged("post_install", "-at_install")
class TestCreditGrants(CreditCommon):
    def _mails(self, entries):
        return self.env["mail.mail"].search(
            [("model", "=", "recurring.credit.entry"), ("res_id", "in", entries.ids)]
        )

    @freeze_time("2026-01-31")
    def test_each_period_start_grants_the_plan_credits_once(self):
        sub = self._coworking_subscription()
        sub.action_start()
        self._run_cron()
        grant = sub.credit_entry_ids
        self.assertEqual(len(grant), 1)
        self.assertEqual((grant.kind, grant.source, grant.quantity), ("grant", "subscription", 10))
        self.assertEqual(grant.partner_id, self.partner)
        # Valid one month from the period start: through Feb 27.
        self.assertEqual(grant.expiry_date, date(2026, 2, 27))
        self.assertEqual(self._balance(), 10)
        self.assertEqual(self.partner.recurring_credit_balance, 10)
        self.assertEqual(sub.credit_balance, 10)
        self.assertIn(
            "10 half-day tickets granted, valid until 02/27/2026.", sub.event_ids.mapped("message")
        )
        # The back office shows it on the subscription and on the customer.
        self.assertEqual(Form(sub).credit_balance, 10)
        action = self.partner.action_view_recurring_credit_entries()
        self.assertEqual(self.Entry.search(action["domain"]), grant)
        action = sub.action_view_credit_entries()
        self.assertEqual(self.Entry.search(action["domain"]), grant)
        mail = self._mails(grant)
        self.assertEqual(mail.subject, "10 half-day tickets added to your account")
        self.assertEqual(mail.recipient_ids, self.partner)
        # Running the scheduler again grants nothing more.
        self._run_cron()
        sub.action_process_now()
        self.assertEqual(len(sub.credit_entry_ids), 1)
        # Next period, next grant.
        with freeze_time("2026-02-28"):
            self._run_cron()
        self.assertEqual(len(sub.credit_entry_ids), 2)
        self.assertEqual(self._balance(), 20)

    @freeze_time("2026-01-31")
    def test_a_second_grant_for_one_period_is_refused_by_the_database(self):
        sub = self._coworking_subscription()
        sub.action_start()
        self._run_cron()
        grant = sub.credit_entry_ids
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.Entry.create(
                {
                    "name": "Twice",
                    "kind": "grant",
                    "source": "subscription",
                    "partner_id": self.partner.id,
                    "credit_type_id": self.half_day.id,
                    "company_id": self.env.company.id,
                    "quantity": 10,
                    "occurrence_id": grant.occurrence_id.id,
                }
            )
            self.env.flush_all()

    @freeze_time("2026-01-31")
    def test_paid_plans_grant_when_the_period_invoice_is_paid(self):
        self.plan_coworking.credit_grant_on = "paid"
        sub = self._coworking_subscription()
        sub.action_start()
        self._run_cron()
        self.assertFalse(sub.credit_entry_ids, "not paid yet: no credits")
        with freeze_time("2026-02-10"):
            self._pay(sub.invoice_ids)
        grant = sub.credit_entry_ids
        self.assertEqual(grant.quantity, 10)
        # Valid one month from the payment.
        self.assertEqual(grant.expiry_date, date(2026, 3, 9))

    @freeze_time("2026-03-10")
    def test_the_order_that_creates_the_subscription_grants_period_zero(self):
        product = self.env["product.product"].create(
            {
                "name": "Coworking membership",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 150.0,
                "taxes_id": [Command.clear()],
                "recurring_ok": True,
                "recurring_product_plan_ids": [Command.create({"plan_id": self.plan_coworking.id})],
            }
        )
        order = self._create_order(
            [{"product_id": product.id, "recurring_plan_id": self.plan_coworking.id}]
        )
        order.action_confirm()
        sub = order.recurring_source_subscription_ids
        self.assertEqual(sub.credit_entry_ids.quantity, 10)
        self.assertEqual(sub.credit_entry_ids.occurrence_id.period_index, 0)

    @freeze_time("2026-03-10")
    def test_a_paid_credit_pack_grants_its_credits_once(self):
        pack = self.env["product.product"].create(
            {
                "name": "10 meeting room hours",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 200.0,
                "taxes_id": [Command.clear()],
                "recurring_credit_pack": True,
                "recurring_credit_type_id": self.room_hour.id,
                "recurring_credit_quantity": 10.0,
            }
        )
        order = self._create_order([{"product_id": pack.id, "product_uom_qty": 2}])
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(self._balance(credit_type=self.room_hour), 0, "granted when paid")
        self._pay(invoice)
        grant = self.Entry.search([("sale_line_id", "=", order.order_line.id)])
        self.assertEqual((grant.source, grant.quantity), ("pack", 20))
        self.assertFalse(grant.expiry_date, "room hours never expire")
        self.assertEqual(self._balance(credit_type=self.room_hour), 20)
        invoice._invoice_paid_hook()
        self.assertEqual(self._balance(credit_type=self.room_hour), 20, "granted once")

    def test_a_credit_pack_needs_a_type_and_credits(self):
        with self.assertRaisesRegex(Exception, "needs a credit type"):
            self.env["product.template"].create(
                {"name": "Broken pack", "recurring_credit_pack": True}
            )

    @freeze_time("2026-03-10")
    def test_manager_grants_and_takes_back_credits_with_a_reason(self):
        manager = new_test_user(
            self.env, login="rs_credit_manager", groups="sales_team.group_sale_manager"
        )
        salesman = new_test_user(
            self.env, login="rs_credit_salesman", groups="sales_team.group_sale_salesman"
        )
        Wizard = self.env["recurring.credit.grant.wizard"]
        form = Form(
            Wizard.with_user(manager).with_context(
                active_model="res.partner", active_id=self.partner.id
            )
        )
        form.credit_type_id = self.half_day
        form.quantity = 5
        form.reason = "Goodwill"
        self.assertEqual(form.expiry_date, date(2026, 4, 9), "the type's validity by default")
        form.save().action_confirm()
        grant = self.Entry.search([("partner_id", "=", self.partner.id)])
        self.assertEqual(
            (grant.source, grant.name, grant.quantity), ("manual", "Manual: Goodwill", 5)
        )
        self.assertEqual(grant.user_id, manager)
        wizard = Wizard.with_user(manager).create(
            {
                "partner_id": self.partner.id,
                "credit_type_id": self.half_day.id,
                "quantity": -2,
                "reason": "Double grant",
            }
        )
        self.assertEqual(wizard.balance, 5)
        wizard.action_confirm()
        self.assertEqual(self._balance(), 3)
        # Taking back more than the balance is refused.
        wizard = Wizard.with_user(manager).create(
            {
                "partner_id": self.partner.id,
                "credit_type_id": self.half_day.id,
                "quantity": -4,
                "reason": "Too much",
            }
        )
        with self.assertRaisesRegex(UserError, "Not enough half-day tickets"):
            wizard.action_confirm()
        with self.assertRaises(AccessError):
            Wizard.with_user(salesman).create(
                {"partner_id": self.partner.id, "credit_type_id": self.half_day.id, "reason": "x"}
            )
        self.assertEqual(self._balance(), 3)


@tagged("post_install", "-at_install")
class TestCreditLedger(CreditCommon):
    def test_consumption_takes_the_soonest_expiry_first(self):
        with freeze_time("2026-03-01"):
            later = self._grant(3, expiry=date(2026, 5, 31))
            never = self._grant(3)
            old = self._grant(1, expiry=date(2026, 4, 30))
        with freeze_time("2026-03-02"):
            new = self._grant(1, expiry=date(2026, 4, 30))
            booking = self._book(self.open_space, datetime(2026, 3, 5, 8), datetime(2026, 3, 5, 17))
            booking.action_confirm()  # a full day: 2 tickets
            booking2 = self._book(self.desk, datetime(2026, 3, 6, 8), datetime(2026, 3, 6, 17))
            booking2.action_confirm()
        self.assertEqual(booking.entry_ids.mapped("grant_id"), old | new, "oldest of a tie first")
        self.assertEqual(booking2.entry_ids.grant_id, later)
        self.assertEqual(
            [g.remaining for g in (old, new, later, never)], [0, 0, 1, 3], "never-expiring last"
        )
        self.assertEqual(self._balance(), 4)

    def test_expired_credits_are_written_off_by_the_daily_cron_once(self):
        with freeze_time("2026-03-01"):
            grant = self._grant(5, expiry=date(2026, 3, 31))
            self._grant(2)
            self._book(
                self.desk, datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 12)
            ).action_confirm()
        with freeze_time("2026-03-31"):
            self.Entry._cron_expire_credits()
            self.assertEqual(self._balance(), 6, "still valid on its last day")
        with freeze_time("2026-04-01"):
            self.assertEqual(self.Entry._cron_expire_credits()[0], 1)
            self.Entry._cron_expire_credits()
        expiry = grant.child_ids.filtered(lambda e: e.kind == "expiry")
        self.assertEqual(len(expiry), 1)
        self.assertEqual(expiry.quantity, -4)
        self.assertEqual(grant.remaining, 0)
        self.assertEqual(self._balance(), 2, "the never-expiring grant is kept")

    def test_expired_credits_cannot_be_spent_before_the_write_off(self):
        with freeze_time("2026-03-01"):
            self._grant(5, expiry=date(2026, 3, 31))
        with freeze_time("2026-04-02"):
            booking = self._book(self.desk, datetime(2026, 4, 3, 8), datetime(2026, 4, 3, 12))
            with self.assertRaisesRegex(UserError, "costs 1, Alice Grower has 0"):
                booking.action_confirm()

    def test_expiry_reminder_is_emailed_once_per_grant(self):
        with freeze_time("2026-03-01"):
            soon = self._grant(5, expiry=date(2026, 3, 20))
            later = self._grant(5, expiry=date(2026, 5, 20))
        with freeze_time("2026-03-12"):
            self.Entry._cron_expire_credits()
        self.assertFalse(soon.expiry_reminder_sent, "not within 7 days yet")
        with freeze_time("2026-03-13"):
            self.assertEqual(self.Entry._cron_expire_credits(), (0, 1))
            self.Entry._cron_expire_credits()
        self.assertTrue(soon.expiry_reminder_sent)
        self.assertFalse(later.expiry_reminder_sent)
        mails = self.env["mail.mail"].search(
            [("model", "=", "recurring.credit.entry"), ("res_id", "=", soon.id)]
        )
        reminder = mails.filtered(lambda m: "expire" in m.subject)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.subject, "5 half-day tickets expire on 03/20/2026")

    def test_the_ledger_is_append_only(self):
        grant = self._grant(5)
        with self.assertRaisesRegex(UserError, "append-only"):
            grant.quantity = 50
        with self.assertRaisesRegex(UserError, "append-only"):
            grant.unlink()
        self.assertEqual(self._balance(), 5)
        # Even written directly, a consumption cannot take more than the grant holds.
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.Entry.create(
                {
                    "name": "Overdraft",
                    "kind": "consumption",
                    "source": "manual",
                    "partner_id": self.partner.id,
                    "credit_type_id": self.half_day.id,
                    "company_id": self.env.company.id,
                    "grant_id": grant.id,
                    "quantity": -6,
                }
            )
            self.env.flush_all()
        self.assertEqual(self._balance(), 5)

    def test_a_movement_stays_with_its_customer(self):
        grant = self._grant(5)
        with self.assertRaisesRegex(Exception, "stays with its customer"):
            self.Entry.create(
                {
                    "name": "Someone else's credits",
                    "kind": "consumption",
                    "source": "manual",
                    "partner_id": self.partner_b.id,
                    "credit_type_id": self.half_day.id,
                    "company_id": self.env.company.id,
                    "grant_id": grant.id,
                    "quantity": -1,
                }
            )

    def test_contacts_share_the_credits_of_their_company(self):
        company = self.env["res.partner"].create({"name": "Acme", "is_company": True})
        employee = self.env["res.partner"].create({"name": "Ann", "parent_id": company.id})
        with freeze_time("2026-03-01"):
            self._grant(3, partner=employee, expiry=date(2026, 3, 20))
            grant = self.Entry.search([("partner_id", "=", company.id)])
            self.assertEqual(grant.quantity, 3, "the ledger is on the commercial partner")
            self._book(
                self.desk, datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 12), employee
            ).action_confirm()
        with freeze_time("2026-03-15"):
            self.assertEqual(company._get_credit_balances(), {self.half_day: 2})
            self.assertEqual(employee._get_expiring_credits(days=7), grant)
            self.assertFalse(employee._get_expiring_credits(days=3))
            self.assertEqual(len(employee._get_credit_history()), 2)
            self.assertEqual(employee.recurring_credit_balance, 2)
