from datetime import date, datetime, time, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import format_datetime

from ..const import (
    BOOKING_STATE_SELECTION,
    BOOKING_TRANSITIONS,
    RESERVING_SUBSCRIPTION_STATES,
)
from ..utils import booking_slots, credit_ledger


class RecurringBooking(models.Model):
    """A customer's booking of a resource, paid with credits.

    Confirming locks the resource (capacity) and the customer's grant rows
    (credits), checks the slot, then spends the credits FIFO. Cancelling before
    the resource's deadline gives the credits back.
    """

    _name = "recurring.booking"
    _description = "Booking"
    _inherit = ["mail.thread"]
    _order = "start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id", "resource_id"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    resource_id = fields.Many2one(
        "recurring.booking.resource",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(related="resource_id.company_id", store=True, index=True)
    start = fields.Datetime(required=True, tracking=True, index=True)
    stop = fields.Datetime(string="End", required=True, tracking=True)
    duration = fields.Float(string="Duration (hours)", compute="_compute_duration")
    state = fields.Selection(
        BOOKING_STATE_SELECTION,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    credit_type_id = fields.Many2one(related="resource_id.credit_type_id")
    resource_product_id = fields.Many2one(related="resource_id.product_id")
    unit_label = fields.Char(related="credit_type_id.unit_label", string="Unit")
    credit_cost = fields.Float(string="Cost in Credits", digits=(16, 2), readonly=True, copy=False)
    credits_missing = fields.Float(
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="Credits the customer did not have, sold on the linked quotation.",
    )
    credits_spent = fields.Float(compute="_compute_credits", digits=(16, 2))
    credits_refunded = fields.Float(compute="_compute_credits", digits=(16, 2))
    entry_ids = fields.One2many("recurring.credit.entry", "booking_id", string="Credit Entries")
    sale_order_id = fields.Many2one(
        "sale.order", string="Quotation", readonly=True, copy=False, index="btree_not_null"
    )
    cancel_deadline = fields.Datetime(
        readonly=True,
        copy=False,
        help="Cancelled until this moment, the booking gives its credits back.",
    )
    can_cancel_with_refund = fields.Boolean(compute="_compute_can_cancel_with_refund")
    user_id = fields.Many2one(
        "res.users", string="Booked by", default=lambda self: self.env.user, readonly=True
    )
    note = fields.Text()
    color = fields.Integer(related="resource_id.color")

    _sql_constraints = [
        ("dates_order", "CHECK(stop > start)", "A booking ends after it starts."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("resource_id", "start", "stop", "partner_id.tz")
    def _compute_display_name(self):
        for booking in self:
            booking.display_name = self.env._(
                "%(resource)s, %(start)s",
                resource=booking.resource_id.name or "",
                start=booking._format_customer_datetime(booking.start) if booking.start else "",
            )

    def _get_customer_tz(self):
        """The customer's time zone (else the user's, else the company's, else UTC): times
        in messages, emails and ledger descriptions are the customer's local times."""
        self.ensure_one()
        return (
            self.partner_id.tz
            or self.commercial_partner_id.tz
            or self.env.user.tz
            or self.company_id.partner_id.tz
            or "UTC"
        )

    def _format_customer_datetime(self, value):
        self.ensure_one()
        return format_datetime(self.env, value, tz=self._get_customer_tz(), dt_format="short")

    @api.depends("start", "stop")
    def _compute_duration(self):
        for booking in self:
            if booking.start and booking.stop:
                booking.duration = (booking.stop - booking.start).total_seconds() / 3600
            else:
                booking.duration = 0.0

    @api.depends("entry_ids.quantity", "entry_ids.kind")
    def _compute_credits(self):
        for booking in self:
            entries = booking.entry_ids
            booking.credits_spent = -sum(
                entries.filtered(lambda e: e.kind == "consumption").mapped("quantity")
            )
            booking.credits_refunded = sum(
                entries.filtered(lambda e: e.kind == "reversal").mapped("quantity")
            )

    @api.depends("state", "cancel_deadline")
    def _compute_can_cancel_with_refund(self):
        now = fields.Datetime.now()
        for booking in self:
            booking.can_cancel_with_refund = booking.state == "confirmed" and (
                booking._is_refundable(now)
            )

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.constrains("state", "start", "stop", "resource_id")
    def _check_availability(self):
        for booking in self.filtered(lambda b: b.state == "confirmed"):
            booking._check_slot_available()

    @api.constrains("start", "stop", "resource_id")
    def _check_booking_limits(self):
        """Not longer than the resource allows, not further ahead than its window."""
        now = fields.Datetime.now()
        for booking in self.filtered(lambda b: b.state != "cancelled" and b.start and b.stop):
            resource = booking.resource_id
            hours = (booking.stop - booking.start).total_seconds() / 3600.0
            if resource.max_booking_hours and hours > resource.max_booking_hours:
                raise ValidationError(
                    self.env._(
                        "%(resource)s can be booked for %(max)s hours at most.",
                        resource=resource.display_name,
                        max=resource.max_booking_hours,
                    )
                )
            window = resource.booking_window_days
            if window and booking.start > now + timedelta(days=window):
                raise ValidationError(
                    self.env._(
                        "%(resource)s can be booked up to %(days)s days ahead.",
                        resource=resource.display_name,
                        days=window,
                    )
                )

    def write(self, vals):
        moved = {"partner_id", "resource_id", "start", "stop"} & set(vals)
        if moved and any(booking.state == "confirmed" for booking in self):
            raise UserError(
                self.env._(
                    "A confirmed booking cannot change its customer, resource or time: "
                    "cancel it and book again."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if self.filtered(lambda b: b.state == "confirmed" or b.entry_ids):
            raise UserError(
                self.env._("A booking that was confirmed cannot be deleted; cancel it instead.")
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_confirm(self):
        """Confirm, spending the customer's credits; too few credits is an error."""
        self._confirm()
        return True

    def action_confirm_and_pay(self):
        """Confirm, spending the credits the customer has and quoting the missing ones."""
        self._confirm(pay_difference=True)
        orders = self.sale_order_id
        if len(orders) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "sale.order",
                "res_id": orders.id,
                "views": [(False, "form")],
            }
        return True

    def action_cancel(self):
        """Cancel; before the deadline, the credits spent are given back."""
        # The ledger is written as superuser below: check the caller's right first.
        self.check_access("write")
        self._check_transition("cancelled")
        now = fields.Datetime.now()
        for booking in self:
            refunded = self.env["recurring.credit.entry"]
            if booking.state == "confirmed" and booking._is_refundable(now):
                refunded = booking.entry_ids.filtered(lambda e: e.kind == "consumption")._reverse(
                    self.env._("Booking cancelled: %(booking)s", booking=booking.display_name)
                )
            order = booking.sale_order_id
            if order and order.state in ("draft", "sent"):
                order._action_cancel()
            was_confirmed = booking.state == "confirmed"
            booking._set_state("cancelled")
            if refunded:
                booking.message_post(
                    body=self.env._(
                        "Cancelled before the deadline: %(quantity)s %(unit)s given back.",
                        quantity=credit_ledger.format_quantity(sum(refunded.mapped("quantity"))),
                        unit=booking.unit_label,
                    )
                )
            elif was_confirmed and booking.credits_spent:
                booking.message_post(
                    body=self.env._("Cancelled after the deadline: the credits are not given back.")
                )
        return True

    def action_draft(self):
        self._set_state("draft")
        return True

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------
    # Portal API (the controllers call these as superuser, see the portal)
    # ------------------------------------------------------------------

    @api.model
    def _portal_book(self, partner, resource, start, stop, pay_difference=False, note=None):
        """Book ``resource`` from ``start`` to ``stop`` (UTC) for ``partner``, confirmed.

        :param pay_difference: when the customer is short of credits and the
            resource has a product, quote the missing credits instead of failing
        :return: the confirmed booking
        :raise UserError, ValidationError: with a message for the customer
        """
        if start < fields.Datetime.now():
            raise UserError(self.env._("This slot has already started: choose a coming one."))
        if not resource.active:
            raise UserError(self.env._("This resource cannot be booked any more."))
        booking = self.create(
            {
                "partner_id": partner.id,
                "resource_id": resource.id,
                "start": start,
                "stop": stop,
                "note": note,
            }
        )
        booking._confirm(pay_difference=pay_difference)
        return booking

    @api.model
    def _portal_get_quote(self, partner, resource, start, stop):
        """What booking ``resource`` from ``start`` to ``stop`` would cost ``partner``.

        :return: dict with ``cost``, ``available`` and ``missing`` credits (floats),
            ``unit`` (label) and ``can_pay_difference`` (the resource sells credits)
        """
        cost = available = credit_ledger.ZERO
        credit_type = resource.credit_type_id
        if credit_type:
            cost = credit_type._get_credit_cost(resource, start, stop)
            available = self.env["recurring.credit.entry"]._get_available(
                partner, credit_type, resource.company_id
            )
        missing = max(cost - available, credit_ledger.ZERO)
        return {
            "cost": float(cost),
            "available": float(available),
            "missing": float(missing),
            "missing_label": _missing_label(self.env, missing),
            "unit": credit_type.unit_label or "",
            "can_pay_difference": bool(missing and resource.product_id),
        }

    def _portal_cancel(self, partner):
        """Cancel this coming booking of ``partner`` (credits back before the deadline)."""
        self.ensure_one()
        if self.commercial_partner_id != partner.commercial_partner_id:
            raise AccessError(self.env._("This booking is not yours."))
        if self.state != "confirmed" or self.start <= fields.Datetime.now():
            raise UserError(self.env._("Only coming confirmed bookings can be cancelled."))
        return self.action_cancel()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _check_transition(self, state):
        wrong = self.filtered(lambda b: b.state not in BOOKING_TRANSITIONS[state])
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(bookings)s cannot become %(state)s from its current state.",
                    bookings=", ".join(wrong.mapped("display_name")),
                    state=labels[state],
                )
            )

    def _set_state(self, state, values=None):
        """The one way to change a booking's state (allowed moves in BOOKING_TRANSITIONS)."""
        self._check_transition(state)
        self.write({"state": state, **(values or {})})

    def _is_refundable(self, now):
        self.ensure_one()
        return not self.cancel_deadline or now <= self.cancel_deadline

    def _confirm(self, pay_difference=False):
        # The ledger is written as superuser below: check the caller's right first.
        self.check_access("write")
        self._check_transition("confirmed")
        # Capacity: one confirmation at a time per resource (see _lock_for_booking).
        self.resource_id._lock_for_booking()
        Entry = self.env["recurring.credit.entry"]
        today = fields.Date.context_today(self)
        for booking in self:
            booking._check_slot_available()
            resource = booking.resource_id
            cost = booking._get_credit_cost()
            missing = credit_ledger.ZERO
            if cost:
                partner = booking.commercial_partner_id
                credit_type = booking.credit_type_id
                grants = Entry._lock_open_grants(partner, credit_type, booking.company_id)
                available = credit_ledger.available(grants._as_ledger_grants(), today)
                missing = max(cost - available, credit_ledger.ZERO)
                if missing and not (pay_difference and resource.product_id):
                    raise UserError(booking._get_missing_credits_message(cost, available))
                if cost - missing:
                    Entry._consume(
                        partner,
                        credit_type,
                        booking.company_id,
                        cost - missing,
                        {
                            "name": self.env._(
                                "Booking: %(booking)s", booking=booking.display_name
                            ),
                            "source": "booking",
                            "booking_id": booking.id,
                        },
                        grants=grants,
                    )
            values = {
                "credit_cost": float(cost),
                "credits_missing": float(missing),
                "cancel_deadline": booking.start - timedelta(hours=resource.cancel_deadline_hours),
            }
            if missing:
                values["sale_order_id"] = booking._create_missing_credits_order(missing).id
            booking._set_state("confirmed", values)

    def _get_credit_cost(self):
        """Credits this booking costs (0 when its resource uses no credits).

        :rtype: decimal.Decimal
        """
        self.ensure_one()
        if not self.credit_type_id:
            return credit_ledger.ZERO
        return self.credit_type_id._get_credit_cost(self.resource_id, self.start, self.stop)

    def _get_missing_credits_message(self, cost, available):
        self.ensure_one()
        message = self.env._(
            "Not enough %(unit)s to book %(resource)s: this booking costs %(cost)s, "
            "%(customer)s has %(available)s.",
            unit=self.unit_label,
            resource=self.resource_id.display_name,
            cost=credit_ledger.format_quantity(cost),
            customer=self.commercial_partner_id.display_name,
            available=credit_ledger.format_quantity(available),
        )
        if self.resource_id.product_id:
            if cost - available == 1:
                message += " " + self.env._(
                    "Confirm and pay the difference to get a quotation for the missing credit."
                )
            else:
                message += " " + self.env._(
                    "Confirm and pay the difference to get a quotation for the %(missing)s "
                    "missing.",
                    missing=credit_ledger.format_quantity(cost - available),
                )
        return message

    def _create_missing_credits_order(self, missing):
        """A quotation for the credits this booking is missing (resource's product)."""
        self.ensure_one()
        company = self.company_id
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": company.id,
                    "origin": self.display_name,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.resource_id.product_id.id,
                                "product_uom_qty": float(missing),
                                "name": self.env._(
                                    "%(booking)s: %(missing)s %(unit)s not covered by credits",
                                    booking=self.display_name,
                                    missing=credit_ledger.format_quantity(missing),
                                    unit=self.unit_label,
                                ),
                            }
                        )
                    ],
                }
            )
        )
        self.message_post(
            body=Markup("%s %s")
            % (
                self.env._("Missing credits quoted on"),
                order._get_html_link(),
            )
        )
        return order

    def _check_slot_available(self):
        """Raise when the resource is reserved by a subscription or full at that time."""
        self.ensure_one()
        resource = self.resource_id
        last_day = (self.stop - timedelta(microseconds=1)).date()
        reserving = (
            self.env["recurring.subscription.line"]
            .sudo()
            .search(self._get_reservation_domain(resource, self.start.date(), last_day), limit=1)
        )
        if reserving:
            raise ValidationError(
                self.env._(
                    "%(resource)s is reserved for the subscription %(subscription)s: it cannot "
                    "be booked from %(start)s to %(end)s.",
                    resource=resource.display_name,
                    subscription=reserving.subscription_id.name,
                    start=self._format_customer_datetime(self.start),
                    end=self._format_customer_datetime(self.stop),
                )
            )
        others = self.sudo().search(
            [
                ("resource_id", "=", resource.id),
                ("state", "=", "confirmed"),
                ("id", "!=", self.id),
                ("start", "<", self.stop),
                ("stop", ">", self.start),
            ]
        )
        intervals = [(other.start, other.stop) for other in others]
        if not booking_slots.fits(intervals, self.start, self.stop, resource.capacity):
            raise ValidationError(
                self.env._(
                    "%(resource)s is fully booked from %(start)s to %(end)s "
                    "(%(capacity)s at a time). Choose another slot or resource.",
                    resource=resource.display_name,
                    start=self._format_customer_datetime(self.start),
                    end=self._format_customer_datetime(self.stop),
                    capacity=resource.capacity,
                )
            )

    @api.model
    def _get_reservation_domain(self, resource, first_day, last_day):
        """Subscription lines reserving ``resource`` on a day of [first_day, last_day]."""
        return [
            ("booking_resource_id", "=", resource.id),
            ("subscription_id.state", "in", RESERVING_SUBSCRIPTION_STATES),
            ("subscription_id.start_date", "<=", last_day),
            "|",
            ("subscription_id.end_date", "=", False),
            ("subscription_id.end_date", ">=", first_day),
        ]

    @api.model
    def _check_resource_reservations(self, lines):
        """A subscription line reserving a resource must not meet another reservation
        or a coming confirmed booking during the subscription."""
        today = fields.Date.context_today(self)
        for line in lines.filtered("booking_resource_id"):
            sub = line.subscription_id
            resource = line.booking_resource_id
            first_day = max(sub.start_date or today, today)
            last_day = sub.end_date or date.max
            if last_day < first_day:
                continue
            other = (
                self.env["recurring.subscription.line"]
                .sudo()
                .search(
                    [
                        *self._get_reservation_domain(resource, first_day, last_day),
                        ("subscription_id", "!=", sub.id),
                    ],
                    limit=1,
                )
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(resource)s is already reserved for the subscription %(other)s.",
                        resource=resource.display_name,
                        other=other.subscription_id.name,
                    )
                )
            domain = [
                ("resource_id", "=", resource.id),
                ("state", "=", "confirmed"),
                ("stop", ">", datetime.combine(first_day, time.min)),
            ]
            if last_day < date.max:
                domain.append(("start", "<", datetime.combine(last_day, time.max)))
            booking = self.sudo().search(domain, order="start", limit=1)
            if booking:
                raise ValidationError(
                    self.env._(
                        "%(resource)s cannot be reserved for %(subscription)s: it is booked "
                        "by %(customer)s on %(start)s. Cancel that booking first.",
                        resource=resource.display_name,
                        subscription=sub.name,
                        customer=booking.partner_id.display_name,
                        start=booking._format_customer_datetime(booking.start),
                    )
                )


def _missing_label(env, missing):
    """ "1 missing" or "2.5 missing": separate sentences, so that translations agree
    (French: "1 manquant", "2,5 manquants")."""
    if missing == 1:
        return env._("1 missing")
    return env._("%(count)s missing", count=credit_ledger.format_quantity(missing))
