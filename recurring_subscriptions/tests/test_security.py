from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import RecurringCommon


@tagged("post_install", "-at_install")
class TestSecurity(RecurringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="rs_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="rs_sales_manager", groups="sales_team.group_sale_manager"
        )
        # The portal users keep their partner's name and email (new_test_user would rename it).
        cls.portal = new_test_user(
            cls.env,
            login="rs_portal_alice",
            groups="base.group_portal",
            partner_id=cls.partner.id,
            name=cls.partner.name,
            email=cls.partner.email,
        )
        cls.portal_b = new_test_user(
            cls.env,
            login="rs_portal_bob",
            groups="base.group_portal",
            partner_id=cls.partner_b.id,
            name=cls.partner_b.name,
            email=cls.partner_b.email,
        )
        cls.sub = cls._create_subscription()
        cls.sub_b = cls._create_subscription(partner=cls.partner_b)

    # ------------------------------------------------------------------
    # Back office
    # ------------------------------------------------------------------

    @freeze_time("2026-01-31")
    def test_salesman_creates_and_starts_a_subscription(self):
        Subscription = self.env["recurring.subscription"].with_user(self.salesman)
        sub = Subscription.create(
            {
                "partner_id": self.partner.id,
                "plan_id": self.plan_monthly.id,
                "line_ids": [Command.create({"product_id": self.product_desk.id, "quantity": 2.0})],
            }
        )
        sub.action_start()
        self.assertEqual(sub.state, "active")
        self.assertEqual(sub.user_id, self.salesman)
        self.assertTrue(sub.event_ids, "the log is written for the salesman")
        self.assertTrue(sub.occurrence_ids)

    def test_salesman_cannot_manage_plans_or_delete_subscriptions(self):
        Plan = self.env["recurring.plan"].with_user(self.salesman)
        with self.assertRaises(AccessError):
            Plan.create({"name": "Salesman plan", "billing_unit": "month"})
        with self.assertRaises(AccessError):
            self.plan_monthly.with_user(self.salesman).write({"billing_interval": 2})
        self.assertEqual(self.plan_monthly.billing_interval, 1)
        with self.assertRaises(AccessError):
            self.sub.with_user(self.salesman).unlink()
        self.assertTrue(self.sub.exists())

    def test_manager_manages_plans_and_deletes_subscriptions(self):
        plan = (
            self.env["recurring.plan"]
            .with_user(self.manager)
            .create({"name": "Quarterly", "billing_unit": "month", "billing_interval": 3})
        )
        plan.write({"billing_interval": 4})
        self.assertEqual(plan.recurrence_label, "every 4 months")
        self.sub.with_user(self.manager).unlink()
        self.assertFalse(self.sub.exists())

    @freeze_time("2026-01-31")
    def test_event_log_is_read_only_for_salesmen(self):
        self.sub.action_start()
        event = self.sub.event_ids[:1]
        self.assertTrue(event)
        Event = self.env["recurring.subscription.event"].with_user(self.salesman)
        self.assertEqual(Event.search([("subscription_id", "=", self.sub.id)]), self.sub.event_ids)
        with self.assertRaises(AccessError):
            Event.create(
                {"subscription_id": self.sub.id, "event_type": "info", "message": "Forged"}
            )
        with self.assertRaises(AccessError):
            event.with_user(self.salesman).write({"occurrence_id": False})
        with self.assertRaises(AccessError):
            event.with_user(self.salesman).unlink()
        self.assertTrue(event.exists())
        self.assertFalse(self.sub.event_ids.filtered(lambda e: e.message == "Forged"))

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------

    def test_portal_user_sees_only_their_subscriptions(self):
        Subscription = self.env["recurring.subscription"].with_user(self.portal)
        self.assertEqual(self.sub.with_user(self.portal).read(["name"])[0]["name"], self.sub.name)
        self.assertEqual(Subscription.search([]), self.sub)
        with self.assertRaises(AccessError):
            self.sub_b.with_user(self.portal).read(["name"])
        self.assertEqual(
            self.env["recurring.subscription"].with_user(self.portal_b).search([]), self.sub_b
        )

    def test_portal_user_cannot_change_their_subscription(self):
        with self.assertRaises(AccessError):
            self.sub.with_user(self.portal).write({"end_date": "2026-12-31"})
        with self.assertRaises(AccessError):
            self.sub.line_ids.with_user(self.portal).write({"quantity": 5.0})
        self.assertFalse(self.sub.end_date)
        self.assertEqual(self.sub.line_ids.quantity, 1.0)

    def test_portal_contact_sees_the_company_subscriptions(self):
        company = self.env["res.partner"].create({"name": "Green Fields Ltd", "is_company": True})
        buyer = self.env["res.partner"].create({"name": "Carol Buyer", "parent_id": company.id})
        accountant = self.env["res.partner"].create(
            {"name": "Dan Accountant", "parent_id": company.id, "email": "dan@example.com"}
        )
        portal_dan = new_test_user(
            self.env,
            login="rs_portal_dan",
            groups="base.group_portal",
            partner_id=accountant.id,
            name=accountant.name,
            email=accountant.email,
        )
        sub_company = self._create_subscription(partner=company)
        sub_buyer = self._create_subscription(partner=buyer)
        visible = self.env["recurring.subscription"].with_user(portal_dan).search([])
        self.assertEqual(visible, sub_company | sub_buyer)
        self.assertEqual(sub_buyer.with_user(portal_dan).read(["name"])[0]["name"], sub_buyer.name)
        with self.assertRaises(AccessError):
            self.sub.with_user(portal_dan).read(["name"])

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------

    def test_other_company_subscription_is_invisible(self):
        company_b = self.env["res.company"].create(
            {"name": "Second Shop", "currency_id": self.currency.id}
        )
        sub_other = self._create_subscription(company_id=company_b.id)
        self.assertEqual(sub_other.company_id, company_b)
        Subscription = self.env["recurring.subscription"].with_user(self.salesman)
        self.assertEqual(Subscription.search_count([("id", "=", sub_other.id)]), 0)
        with self.assertRaises(AccessError):
            sub_other.with_user(self.salesman).read(["name"])
        # A user of both companies sees it once both are selected.
        both = new_test_user(
            self.env,
            login="rs_two_shops",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | company_b).ids)],
        )
        Subscription = Subscription.with_user(both).with_context(
            allowed_company_ids=(self.company | company_b).ids
        )
        self.assertEqual(Subscription.search_count([("id", "=", sub_other.id)]), 1)
