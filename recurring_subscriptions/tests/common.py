import unittest
from datetime import date

from odoo.fields import Command
from odoo.tests import TransactionCase
from odoo.tests.common import _find_executable

from odoo.addons.payment.tests.common import PaymentCommon


class RecurringCommon(TransactionCase):
    """Fixtures shared by the subscription tests: own plans, products and customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        # A shop always has a sender address (its alias domain); without one Odoo logs
        # every email it sends (the mail queue runs in some tests) as an error.
        if not cls.company.alias_domain_id:
            cls.company.alias_domain_id = cls.env["mail.alias.domain"].create(
                {"name": "shop.example.com", "default_from": "notifications"}
            )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Alice Grower", "email": "alice@example.com"}
        )
        cls.partner_b = cls.env["res.partner"].create(
            {"name": "Bob Baker", "email": "bob@example.com"}
        )
        Plan = cls.env["recurring.plan"]
        cls.plan_monthly = Plan.create(
            {"name": "Monthly", "billing_unit": "month", "payment_mode": "manual"}
        )
        cls.plan_weekly = Plan.create(
            {"name": "Weekly", "billing_unit": "week", "payment_mode": "manual"}
        )
        cls.plan_yearly = Plan.create(
            {"name": "Yearly", "billing_unit": "year", "payment_mode": "manual"}
        )
        cls.product_box = cls.env["product.product"].create(
            {
                "name": "Vegetable box",
                "type": "consu",
                "invoice_policy": "order",
                "list_price": 25.0,
                "taxes_id": [Command.clear()],
                "recurring_ok": True,
                "recurring_product_plan_ids": [
                    Command.create({"plan_id": cls.plan_weekly.id}),
                    Command.create({"plan_id": cls.plan_monthly.id, "fixed_price": 90.0}),
                ],
            }
        )
        cls.product_desk = cls.env["product.product"].create(
            {
                "name": "Coworking membership",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 200.0,
                "taxes_id": [Command.clear()],
                "recurring_ok": True,
                "recurring_product_plan_ids": [
                    Command.create({"plan_id": cls.plan_monthly.id}),
                    Command.create({"plan_id": cls.plan_yearly.id, "discount": 10.0}),
                ],
            }
        )
        cls.product_plain = cls.env["product.product"].create(
            {
                "name": "Welcome pack",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 10.0,
                "taxes_id": [Command.clear()],
            }
        )

    @classmethod
    def _create_subscription(
        cls, plan=None, partner=None, lines=None, start=date(2026, 1, 31), **values
    ):
        """A draft subscription with one box line at a fixed price of 30 by default."""
        lines = lines or [
            {
                "product_id": cls.product_desk.id,
                "quantity": 1.0,
                "price_mode": "fixed",
                "price_unit": 30.0,
            }
        ]
        return cls.env["recurring.subscription"].create(
            {
                "partner_id": (partner or cls.partner).id,
                "plan_id": (plan or cls.plan_monthly).id,
                "start_date": start,
                "line_ids": [Command.create(vals) for vals in lines],
                **values,
            }
        )

    @classmethod
    def _create_order(cls, lines, partner=None):
        return cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.partner).id,
                "order_line": [Command.create(vals) for vals in lines],
            }
        )

    def _run_cron(self):
        self.env["recurring.subscription"]._cron_process_due()


class RecurringPaymentCommon(RecurringCommon, PaymentCommon):
    """Adds a card plan and saved cards of the `payment_demo` provider, whose
    `demo_simulated_state` decides how each charge ends.

    The provider, payment method, tokens and transactions come from Odoo's own
    payment fixtures (``payment.tests.common.PaymentCommon``); this addon's own
    customers, company and currency (``RecurringCommon``) replace theirs.
    """

    @classmethod
    def default_env_context(cls):
        # Tracking and chatter stay on: the tests check what customers and the shop see.
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Renewals react to payments in ``_post_process``: keep it (PaymentCommon mocks it).
        cls.enable_post_process_patcher = False
        # Only the demo provider is offered, as in a shop set up with one provider.
        cls.dummy_provider.state = "disabled"
        cls.provider = cls._prepare_provider(code="demo")
        cls.payment_method = cls.env.ref("payment_demo.payment_method_demo")
        cls.payment_method_id = cls.payment_method.id
        cls.plan_card = cls.env["recurring.plan"].create(
            {"name": "Monthly by card", "payment_mode": "token"}
        )
        cls.product_desk.recurring_product_plan_ids = [
            Command.create({"plan_id": cls.plan_card.id})
        ]

    @classmethod
    def _token(cls, state="done", partner=None, company=None, **values):
        """A saved card of ``partner`` (of ``company``'s demo provider when given)."""
        provider = cls._prepare_provider("demo", company=company) if company else cls.provider
        return PaymentCommon._create_token(
            cls,
            sudo=False,
            **{
                "provider_id": provider.id,
                "partner_id": (partner or cls.partner).id,
                "payment_details": "4242",
                "provider_ref": "demo-customer",
                "demo_simulated_state": state,
                **values,
            },
        )

    def _invoice_transaction(self, invoice, token, operation="offline", **values):
        """A transaction paying what is left of ``invoice`` with the saved card ``token``."""
        return self.env["payment.transaction"].create(
            {
                "provider_id": token.provider_id.id,
                "payment_method_id": self.payment_method.id,
                "amount": invoice.amount_residual,
                "currency_id": invoice.currency_id.id,
                "partner_id": token.partner_id.id,
                "token_id": token.id,
                "operation": operation,
                "invoice_ids": [Command.set(invoice.ids)],
                **values,
            }
        )


class TourMixin:
    """For HttpCase tests running a JS tour in Chromium."""

    def _start_tour_or_fail(self, url, tour, login):
        """Odoo skips a browser test when Chromium or websocket-client is missing, or
        when the browser does not start: fail instead, so a green suite ran the tour."""
        try:
            _find_executable()
            self.start_tour(url, tour, login=login)
        except unittest.SkipTest as skipped:
            self.fail(f"The browser tour could not run: {skipped}")
