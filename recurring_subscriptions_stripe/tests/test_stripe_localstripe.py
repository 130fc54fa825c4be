from unittest.mock import patch

import stripe as stripe_sdk
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .localstripe_adapter import LocalStripe, localstripe_adapter
from .stripe_common import RecurringStripeCommon


@tagged("post_install", "-at_install")
class TestStripeLocalstripe(RecurringStripeCommon):
    """Stripe paths against a localstripe server on loopback (fresh Stripe per test)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.localstripe = LocalStripe().start()
        cls.addClassCleanup(cls.localstripe.stop)

    def setUp(self):
        super().setUp()
        self.localstripe.reset()
        self.stripe_calls = self.enterContext(localstripe_adapter(self.localstripe.url))
        self.enterContext(patch.object(stripe_sdk, "api_base", self.localstripe.url))

    def _stripe_get(self, endpoint, **params):
        return self.stripe._stripe_make_request(endpoint, payload=params or None, method="GET")

    def _payment_intent_calls(self):
        return [call for call in self.stripe_calls if call[:2] == ("POST", "payment_intents")]

    # ------------------------------------------------------------------
    # Renewals charged on a saved card
    # ------------------------------------------------------------------

    @freeze_time("2026-01-31")
    def test_saved_card_pays_the_renewal(self):
        token = self._save_card(self.partner)
        self.assertTrue(token.provider_ref.startswith("cus_"))
        self.assertTrue(token.stripe_payment_method.startswith("pm_"))
        self.assertEqual(token.payment_details, "4242")
        sub = self._card_subscription(token)

        self._run_cron()

        tx = sub.occurrence_ids.transaction_ids
        self.assertEqual((tx.state, tx.operation, tx.amount), ("done", "offline", 30.0))
        self.assertEqual(tx.invoice_ids, sub.invoice_ids)
        self.assertIn(sub.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(sub.state, "active")
        # Stripe charged the saved card, off-session, once.
        [(_method, _endpoint, payload, options)] = self._payment_intent_calls()
        self.assertEqual((payload["confirm"], payload["off_session"]), (True, True))
        self.assertTrue(options["offline"])
        self.assertTrue(options["idempotency_key"])
        intent = self._stripe_get(f"payment_intents/{tx.provider_reference}")
        self.assertEqual(intent["status"], "succeeded")
        self.assertEqual(
            (intent["customer"], intent["payment_method"], intent["amount"]),
            (token.provider_ref, token.stripe_payment_method, 3000),
        )

    @freeze_time("2026-01-31")
    def test_declined_card_makes_the_subscription_past_due(self):
        token = self._save_card(self.partner, "pm_card_chargeCustomerFail")
        self.assertEqual(token.payment_details, "0341", "the card saves; it fails when charged")
        sub = self._card_subscription(token)

        self._run_cron()

        tx = sub.occurrence_ids.transaction_ids
        self.assertEqual(tx.state, "error")
        self.assertIn("Your card was declined.", tx.state_message)
        self.assertFalse(tx.recurring_needs_authentication, "a decline is not a 3-D Secure case")
        self.assertEqual(sub.state, "past_due")
        self.assertEqual(sub.invoice_ids.payment_state, "not_paid")
        self.assertEqual(len(self._payment_intent_calls()), 1, "charged once, no retry loop now")

    # ------------------------------------------------------------------
    # One Stripe customer per partner
    # ------------------------------------------------------------------

    @freeze_time("2026-01-31")
    def test_second_card_of_a_partner_reuses_its_stripe_customer(self):
        contact = self.env["res.partner"].create(
            {"name": "Alice's accountant", "parent_id": self.partner.id, "email": "acc@example.com"}
        )
        first = self._save_card(self.partner)
        second = self._save_card(contact)
        other = self._save_card(self.partner_b)

        self.assertEqual(second.provider_ref, first.provider_ref, "same company, same customer")
        self.assertNotEqual(second.stripe_payment_method, first.stripe_payment_method)
        self.assertNotEqual(other.provider_ref, first.provider_ref)
        created = [call for call in self.stripe_calls if call[:2] == ("POST", "customers")]
        self.assertEqual(len(created), 2, "Alice's company and Bob: two Stripe customers")
        setup_intents = [
            call for call in self.stripe_calls if call[:2] == ("POST", "setup_intents")
        ]
        self.assertEqual(setup_intents[1][2]["customer"], first.provider_ref)

        # The second card is charged on the shared customer.
        sub = self._card_subscription(second)
        self._run_cron()
        tx = sub.occurrence_ids.transaction_ids
        self.assertEqual(tx.state, "done", tx.state_message)
        intent = self._stripe_get(f"payment_intents/{tx.provider_reference}")
        self.assertEqual(
            (intent["customer"], intent["payment_method"]),
            (first.provider_ref, second.stripe_payment_method),
        )

    def test_stripe_customer_is_not_reused_once_gone(self):
        first = self._save_card(self.partner)
        first.action_archive()
        second = self._save_card(self.partner)
        self.assertNotEqual(second.provider_ref, first.provider_ref, "its only card is archived")

        self.stripe._stripe_make_request(f"customers/{second.provider_ref}", method="DELETE")
        third = self._save_card(self.partner)
        self.assertNotIn(
            third.provider_ref, (first.provider_ref, second.provider_ref), "deleted in Stripe"
        )

    # ------------------------------------------------------------------
    # Import of the Stripe catalog
    # ------------------------------------------------------------------

    def _import(self, user=None):
        Wizard = self.env["recurring.stripe.import.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        wizard = Wizard.create({"provider_id": self.stripe.id})
        wizard.action_import()
        return wizard

    def _counts(self, wizard):
        return (
            wizard.created_count,
            wizard.updated_count,
            wizard.unchanged_count,
            wizard.skipped_count,
        )

    def test_import_wizard_creates_then_updates_recurring_products(self):
        key = self.stripe.stripe_secret_key
        currency = self.currency.name.lower()
        foreign = "eur" if currency != "eur" else "usd"
        Product, Plan = stripe_sdk.Product, stripe_sdk.Plan
        box = Product.create(name="Vegetable box", description="Seasonal", api_key=key)
        monthly = Plan.create(
            product=box.id, amount=2500, currency=currency, interval="month", api_key=key
        )
        yearly = Plan.create(
            product=box.id,
            amount=25000,
            currency=currency,
            interval="year",
            trial_period_days=14,
            nickname="Box yearly",
            api_key=key,
        )
        in_foreign = Plan.create(
            product=box.id, amount=2300, currency=foreign, interval="week", api_key=key
        )
        gift = Product.create(name="Gift card", api_key=key)
        Plan.create(
            product=gift.id,
            amount=100,
            currency=currency,
            interval="month",
            usage_type="metered",
            api_key=key,
        )
        archived = Product.create(name="Old box", active=False, api_key=key)
        Plan.create(
            product=archived.id, amount=900, currency=currency, interval="month", api_key=key
        )
        manager = new_test_user(
            self.env, login="stripe_importer", groups="sales_team.group_sale_manager"
        )
        Template = self.env["product.template"]
        Row = self.env["recurring.product.plan"]
        RecurringPlan = self.env["recurring.plan"]

        wizard = self._import(user=manager)

        template = Template.search([("stripe_product_id", "=", box.id)])
        self.assertEqual(len(template), 1)
        self.assertEqual((template.name, template.description_sale), ("Vegetable box", "Seasonal"))
        self.assertTrue(template.recurring_ok)
        self.assertEqual(template.company_id, self.company)
        row_monthly = template.recurring_product_plan_ids.filtered(
            lambda r: r.stripe_plan_id == monthly.id
        )
        row_yearly = template.recurring_product_plan_ids.filtered(
            lambda r: r.stripe_plan_id == yearly.id
        )
        self.assertEqual(len(template.recurring_product_plan_ids), 2)
        self.assertEqual(row_monthly.plan_id, self.plan_card, "the monthly card plan is reused")
        self.assertEqual(row_monthly.fixed_price, 25.0)
        yearly_plan = row_yearly.plan_id
        self.assertEqual(
            (
                yearly_plan.billing_unit,
                yearly_plan.billing_interval,
                yearly_plan.trial_interval,
                yearly_plan.trial_unit,
                yearly_plan.payment_mode,
            ),
            ("year", 1, 14, "day", "token"),
        )
        self.assertEqual(row_yearly.fixed_price, 250.0)
        self.assertFalse(Template.search([("stripe_product_id", "in", [gift.id, archived.id])]))
        self.assertEqual(self._counts(wizard), (3, 0, 0, 3))
        self.assertEqual(wizard.product_tmpl_ids, template)
        self.assertIn(
            f"Skipped plan {in_foreign.id} of Vegetable box: its currency {foreign.upper()} "
            f"is not the company currency {self.currency.name}.",
            wizard.result_message,
        )
        self.assertIn("metered usage has no fixed price", wizard.result_message)
        self.assertIn("Skipped product Gift card", wizard.result_message)

        # Running it again changes nothing and duplicates nothing.
        sizes = (Template.search_count([]), Row.search_count([]), RecurringPlan.search_count([]))
        again = self._import()
        self.assertEqual(self._counts(again), (0, 0, 3, 3))
        self.assertEqual(
            (Template.search_count([]), Row.search_count([]), RecurringPlan.search_count([])),
            sizes,
        )

        # Changes in Stripe (and a price edited in Odoo) are brought in line.
        Product.modify(box.id, name="Vegetable box XL", api_key=key)
        Plan.modify(yearly.id, trial_period_days=7, api_key=key)
        biweekly = Plan.create(
            product=box.id,
            amount=700,
            currency=currency,
            interval="week",
            interval_count=2,
            api_key=key,
        )
        row_monthly.fixed_price = 20.0
        third = self._import()
        self.assertEqual(self._counts(third), (1, 3, 0, 3))
        self.assertEqual(template.name, "Vegetable box XL")
        self.assertEqual(row_monthly.fixed_price, 25.0)
        self.assertEqual(row_yearly.plan_id.trial_interval, 7)
        row_biweekly = template.recurring_product_plan_ids.filtered(
            lambda r: r.stripe_plan_id == biweekly.id
        )
        self.assertEqual(
            (row_biweekly.plan_id.billing_unit, row_biweekly.plan_id.billing_interval), ("week", 2)
        )
        self.assertEqual(row_biweekly.fixed_price, 7.0)
        self.assertEqual(Template.search_count([("stripe_product_id", "!=", False)]), 1)

    def test_import_wizard_keeps_one_row_per_recurrence(self):
        key = self.stripe.stripe_secret_key
        currency = self.currency.name.lower()
        desk = stripe_sdk.Product.create(name="Desk", api_key=key)
        basic = stripe_sdk.Plan.create(
            product=desk.id, amount=1000, currency=currency, interval="month", api_key=key
        )
        pro = stripe_sdk.Plan.create(
            product=desk.id, amount=2000, currency=currency, interval="month", api_key=key
        )

        wizard = self._import()

        template = self.env["product.template"].search([("stripe_product_id", "=", desk.id)])
        self.assertEqual(len(template.recurring_product_plan_ids), 1)
        imported = template.recurring_product_plan_ids.stripe_plan_id
        self.assertIn(imported, (basic.id, pro.id))
        skipped = pro.id if imported == basic.id else basic.id
        self.assertEqual(self._counts(wizard), (2, 0, 0, 1))
        self.assertIn(f"Skipped plan {skipped} of Desk: another Stripe plan", wizard.result_message)

        # A row added by hand is taken over by a new Stripe plan of the same recurrence.
        template.recurring_product_plan_ids = [
            Command.create({"plan_id": self.plan_yearly.id, "fixed_price": 99.0})
        ]
        yearly = stripe_sdk.Plan.create(
            product=desk.id, amount=12000, currency=currency, interval="year", api_key=key
        )
        again = self._import()
        self.assertEqual(self._counts(again), (0, 1, 2, 1))
        row = template.recurring_product_plan_ids.filtered(lambda r: r.plan_id == self.plan_yearly)
        self.assertEqual((row.stripe_plan_id, row.fixed_price), (yearly.id, 120.0))
        self.assertEqual(len(template.recurring_product_plan_ids), 2)

    def test_import_wizard_reports_a_refused_key_and_needs_a_manager(self):
        self.stripe.stripe_secret_key = "sk_x"  # localstripe refuses keys this short
        wizard = Form(self.env["recurring.stripe.import.wizard"]).save()
        self.assertEqual(wizard.provider_id, self.stripe, "the company's Stripe by default")
        with self.assertRaisesRegex(UserError, "Stripe could not be read"):
            wizard.action_import()
        self.assertEqual(wizard.state, "draft")
        salesman = new_test_user(
            self.env, login="stripe_salesman", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            self._import(user=salesman)
