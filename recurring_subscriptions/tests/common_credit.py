from datetime import date

from odoo.fields import Command

from .common import RecurringCommon


class CreditCommon(RecurringCommon):
    """Credit types, a coworking plan granting credits, bookable resources."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        CreditType = cls.env["recurring.credit.type"]
        cls.half_day = CreditType.create(
            {
                "name": "Half-day ticket",
                "unit_label": "half-day tickets",
                "validity_interval": 1,
                "validity_unit": "month",
                "reversal_validity_days": 7,
                "expiry_reminder_days": 7,
                "rule_ids": [
                    Command.create({"name": "Half day", "duration": 4.0, "credits": 1.0}),
                    Command.create({"name": "Full day", "duration": 9.0, "credits": 2.0}),
                ],
            }
        )
        cls.room_hour = CreditType.create(
            {
                "name": "Meeting room hour",
                "unit_label": "hours",
                "validity_interval": 0,
                "rule_ids": [Command.create({"name": "Hour", "duration": 1.0, "credits": 1.0})],
            }
        )
        cls.plan_coworking = cls.env["recurring.plan"].create(
            {
                "name": "Coworking",
                "billing_unit": "month",
                "payment_mode": "manual",
                "credit_type_id": cls.half_day.id,
                "credit_quantity": 10.0,
                "credit_grant_on": "start",
            }
        )
        cls.product_room_hour = cls.env["product.product"].create(
            {
                "name": "Meeting room hour",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 25.0,
                "taxes_id": [Command.clear()],
            }
        )
        Resource = cls.env["recurring.booking.resource"]
        cls.room = Resource.create(
            {
                "name": "Room Everest",
                "resource_type": "room",
                "capacity": 1,
                "credit_type_id": cls.room_hour.id,
                "product_id": cls.product_room_hour.id,
                "cancel_deadline_hours": 24,
            }
        )
        cls.open_space = Resource.create(
            {
                "name": "Open space",
                "resource_type": "desk",
                "capacity": 2,
                "credit_type_id": cls.half_day.id,
                "cancel_deadline_hours": 2,
            }
        )
        cls.desk = Resource.create(
            {
                "name": "Desk by the window",
                "resource_type": "desk",
                "capacity": 1,
                "credit_type_id": cls.half_day.id,
            }
        )
        cls.projector = Resource.create(
            {"name": "Projector", "resource_type": "equipment", "capacity": 1}
        )
        cls.Entry = cls.env["recurring.credit.entry"]
        cls.Booking = cls.env["recurring.booking"]

    @classmethod
    def _grant(cls, quantity, credit_type=None, partner=None, expiry=False, company=None):
        """A manual grant, as the wizard makes it."""
        return cls.env["recurring.credit.entry"]._create_grants(
            [
                {
                    "name": "Manual: test",
                    "source": "manual",
                    "partner_id": (partner or cls.partner).id,
                    "credit_type_id": (credit_type or cls.half_day).id,
                    "company_id": (company or cls.env.company).id,
                    "quantity": quantity,
                    "expiry_date": expiry,
                }
            ]
        )

    @classmethod
    def _book(cls, resource, start, stop, partner=None):
        """A draft booking; ``start``/``stop`` are naive UTC datetimes."""
        return cls.env["recurring.booking"].create(
            {
                "partner_id": (partner or cls.partner).id,
                "resource_id": resource.id,
                "start": start,
                "stop": stop,
            }
        )

    @classmethod
    def _coworking_subscription(cls, partner=None, start=date(2026, 1, 31), **values):
        return cls._create_subscription(
            plan=cls.plan_coworking,
            partner=partner,
            start=start,
            lines=[{"product_id": cls.product_plain.id, "price_mode": "fixed", "price_unit": 30.0}],
            **values,
        )

    def _balance(self, partner=None, credit_type=None):
        balances = (partner or self.partner)._get_credit_balances()
        return balances.get(credit_type or self.half_day, 0.0)

    def _pay(self, invoices):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids
        ).create({})._create_payments()
