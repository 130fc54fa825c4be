from datetime import datetime, time, timedelta
from urllib.parse import urlencode

import pytz
from werkzeug.exceptions import Forbidden, NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..const import EXPIRING_SOON_DAYS
from ..utils import credit_ledger

# Session key of the one-shot message shown on /my/bookings after an action.
FLASH_SESSION_KEY = "recurring_credit_portal_flash"
# Value format of <input type="datetime-local">, in the customer's time zone.
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
# The slot quoted when the customer has not chosen one yet: tomorrow morning.
DEFAULT_SLOT_HOURS = (time(9), time(13))


class RecurringCreditPortal(CustomerPortal):
    """The customer's booking credits (/my/credits) and bookings (/my/bookings).

    Pages show what the ``res.partner`` methods return for the commercial entity
    of the logged-in user (read as superuser, they never return another
    customer's records), for the current company. Booking and cancelling are
    POST only (CSRF token required) and call ``recurring.booking._portal_book``
    and ``_portal_cancel``, which check every rule again; a refusal is shown once
    on /my/bookings. Another customer's booking answers 403, a missing one 404.
    """

    # ------------------------------------------------------------------
    # /my tile
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "recurring_credit_count" in counters:
            values["recurring_credit_count"] = self._get_recurring_credit_counter()
        return values

    def _get_recurring_credit_counter(self):
        """Figure of the /my tile: the credits left (all credit types together), else
        the number of coming bookings; 0 hides the tile."""
        partner_sudo = request.env.user.partner_id.sudo()
        balance = sum(partner_sudo._get_credit_balances(company=request.env.company).values())
        if balance:
            return round(balance, 2)
        return len(partner_sudo._get_upcoming_bookings())

    # ------------------------------------------------------------------
    # /my/credits: balance, credits expiring soon, history
    # ------------------------------------------------------------------

    def _prepare_recurring_credits_values(self, page=1, **kwargs):
        values = self._prepare_portal_layout_values()
        partner_sudo = request.env.user.partner_id.sudo()
        company = request.env.company
        history_sudo = partner_sudo._get_credit_history(company=company)
        pager_values = portal_pager(
            url="/my/credits",
            total=len(history_sudo),
            page=page,
            step=self._items_per_page,
        )
        offset = pager_values["offset"]
        values.update(
            {
                "page_name": "recurring_credits",
                "balances": self._get_recurring_balances(partner_sudo),
                "expiring_sudo": partner_sudo._get_expiring_credits(company=company),
                "expiring_days": EXPIRING_SOON_DAYS,
                "history_sudo": history_sudo[offset : offset + self._items_per_page],
                # Not `pager`: every portal table would show it.
                "history_pager": pager_values,
                "format_quantity": credit_ledger.format_quantity,
            }
        )
        return values

    def _get_recurring_balances(self, partner_sudo):
        """[(credit type, credits left)] in the credit types' order."""
        balances = partner_sudo._get_credit_balances(company=request.env.company)
        return sorted(balances.items(), key=lambda item: (item[0].sequence, item[0].id))

    @http.route(
        ["/my/credits", "/my/credits/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_recurring_credits(self, **kwargs):
        values = self._prepare_recurring_credits_values(**kwargs)
        return request.render("recurring_subscriptions.portal_my_credits", values)

    # ------------------------------------------------------------------
    # /my/bookings: coming and past bookings, booking form
    # ------------------------------------------------------------------

    def _get_recurring_bookable_resources_domain(self):
        return [("company_id", "=", request.env.company.id)]

    def _get_recurring_bookable_resources(self):
        """The resources the customer may book (active ones of the current company)."""
        return (
            request.env["recurring.booking.resource"]
            .sudo()
            .search(self._get_recurring_bookable_resources_domain())
        )

    def _prepare_recurring_bookings_values(
        self, page=1, resource_id=None, start=None, stop=None, **kwargs
    ):
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        partner_sudo = partner.sudo()
        past_sudo = partner_sudo._get_past_bookings()
        pager_values = portal_pager(
            url="/my/bookings",
            total=len(past_sudo),
            page=page,
            step=self._items_per_page,
        )
        offset = pager_values["offset"]

        # The booking form and the cost of its slot for each resource.
        slot_error = False
        slot = self._recurring_get_default_slot()
        if start or stop:
            try:
                slot = self._recurring_parse_slot(start, stop)
            except UserError as error:
                slot_error = error.args[0]
        resources_sudo = self._get_recurring_bookable_resources()
        chosen = int(resource_id) if resource_id and str(resource_id).isdigit() else False
        values.update(
            {
                "page_name": "recurring_bookings",
                "balances": self._get_recurring_balances(partner_sudo),
                "upcoming_sudo": partner_sudo._get_upcoming_bookings(),
                "past_sudo": past_sudo[offset : offset + self._items_per_page],
                "past_pager": pager_values,
                "now": fields.Datetime.now(),
                "resources_sudo": resources_sudo,
                # A slot the customer mistyped is not quoted: the form shows the error.
                "quotes": {}
                if slot_error
                else self._get_recurring_quotes(partner, resources_sudo, *slot),
                "booking_form": {
                    "resource_id": chosen if chosen in resources_sudo.ids else False,
                    "start": start if slot_error else self._recurring_format_local(slot[0]),
                    "stop": stop if slot_error else self._recurring_format_local(slot[1]),
                },
                "slot_error": slot_error,
                "flash": request.session.pop(FLASH_SESSION_KEY, None),
                "format_quantity": credit_ledger.format_quantity,
            }
        )
        return values

    def _get_recurring_quotes(self, partner, resources_sudo, start, stop):
        """{resource id: quote} of booking each resource from ``start`` to ``stop``;
        a resource that cannot be quoted gets ``{"error": message}``."""
        Booking = request.env["recurring.booking"].sudo()
        quotes = {}
        for resource_sudo in resources_sudo:
            try:
                quotes[resource_sudo.id] = Booking._portal_get_quote(
                    partner, resource_sudo, start, stop
                )
            except UserError as error:
                quotes[resource_sudo.id] = {"error": error.args[0]}
        return quotes

    @http.route(
        ["/my/bookings", "/my/bookings/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_recurring_bookings(self, **kwargs):
        values = self._prepare_recurring_bookings_values(**kwargs)
        return request.render("recurring_subscriptions.portal_my_bookings", values)

    # ------------------------------------------------------------------
    # Actions (POST; Odoo checks the CSRF token of every type="http" POST)
    # ------------------------------------------------------------------

    def _recurring_booking_act(self, act, failure_url="/my/bookings"):
        """Run ``act()`` and go back to /my/bookings with its message shown once.

        :param act: a function calling one ``_portal_*`` method; it returns the
            confirmation shown to the customer
        :param failure_url: where a refused action goes back to
        :raise Forbidden: the current user may not act on this booking
        :raise NotFound: the booking does not exist
        """
        try:
            # A refused action leaves nothing behind, even if it failed half-way.
            with request.env.cr.savepoint():
                message = act()
        except MissingError as error:
            raise NotFound() from error
        except AccessError as error:
            raise Forbidden() from error
        except (UserError, ValidationError) as error:
            self._recurring_credit_flash("danger", error.args[0])
            return request.redirect(failure_url)
        self._recurring_credit_flash("success", message)
        return request.redirect("/my/bookings")

    def _recurring_credit_flash(self, kind, message):
        """Show ``message`` once, on the next bookings page."""
        request.session[FLASH_SESSION_KEY] = {"type": kind, "message": message}

    @http.route(
        "/my/bookings/new",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_book(
        self, resource_id=None, start=None, stop=None, pay_difference=None, **kwargs
    ):
        def act():
            resource_sudo = self._recurring_get_bookable_resource(resource_id)
            start_utc, stop_utc = self._recurring_parse_slot(start, stop)
            booking_sudo = (
                request.env["recurring.booking"]
                .sudo()
                ._portal_book(
                    request.env.user.partner_id,
                    resource_sudo,
                    start_utc,
                    stop_utc,
                    pay_difference=pay_difference == "1",
                )
            )
            return self._recurring_get_booked_message(booking_sudo)

        # After a refusal, the form shows what the customer entered.
        form = {
            key: value
            for key, value in (("resource_id", resource_id), ("start", start), ("stop", stop))
            if value
        }
        return self._recurring_booking_act(act, failure_url=f"/my/bookings?{urlencode(form)}")

    @http.route(
        "/my/bookings/<int:booking_id>/cancel",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_cancel_booking(self, booking_id, **kwargs):
        def act():
            booking_sudo = self._document_check_access("recurring.booking", booking_id)
            booking_sudo._portal_cancel(request.env.user.partner_id)
            return self._recurring_get_cancelled_message(booking_sudo)

        return self._recurring_booking_act(act)

    # ------------------------------------------------------------------
    # Helpers: form input, messages
    # ------------------------------------------------------------------

    def _recurring_get_bookable_resource(self, resource_id):
        """The resource chosen in the form, if the customer may book it.

        :raise UserError: no resource, or one not offered to the customer
        """
        resources_sudo = self._get_recurring_bookable_resources()
        resource_sudo = resources_sudo.filtered(lambda r: str(r.id) == str(resource_id or ""))
        if not resource_sudo:
            raise UserError(request.env._("Please choose one of the resources offered."))
        return resource_sudo

    def _recurring_get_tz(self):
        """The customer's time zone: the form's date-times are in it."""
        try:
            return pytz.timezone(request.env.context.get("tz") or request.env.user.tz or "UTC")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _recurring_parse_slot(self, start, stop):
        """The form's local start and end as naive UTC datetimes.

        :raise UserError: a date-time is missing or malformed, or the end is not
            after the start
        """
        _ = request.env._
        tz = self._recurring_get_tz()
        slot = []
        for value in (start, stop):
            try:
                moment = datetime.fromisoformat((value or "").strip())
            except ValueError:
                raise UserError(_("Please enter the start and the end of the booking.")) from None
            if moment.tzinfo is None:
                moment = tz.localize(moment)
            slot.append(moment.astimezone(pytz.utc).replace(tzinfo=None, second=0, microsecond=0))
        if slot[1] <= slot[0]:
            raise UserError(_("The end of the booking must be after its start."))
        return tuple(slot)

    def _recurring_format_local(self, moment):
        """A naive UTC datetime as the value of a datetime-local input."""
        tz = self._recurring_get_tz()
        return pytz.utc.localize(moment).astimezone(tz).strftime(DATETIME_LOCAL_FORMAT)

    def _recurring_get_default_slot(self):
        tz = self._recurring_get_tz()
        day = datetime.now(tz).date() + timedelta(days=1)
        return tuple(
            tz.localize(datetime.combine(day, hour)).astimezone(pytz.utc).replace(tzinfo=None)
            for hour in DEFAULT_SLOT_HOURS
        )

    def _recurring_get_booked_message(self, booking_sudo):
        _ = request.env._
        spent = credit_ledger.as_quantity(booking_sudo.credit_cost) - credit_ledger.as_quantity(
            booking_sudo.credits_missing
        )
        if spent:
            message = _(
                "%(booking)s is booked: %(quantity)s %(unit)s spent.",
                booking=booking_sudo.display_name,
                quantity=credit_ledger.format_quantity(spent),
                unit=booking_sudo.unit_label,
            )
        else:
            message = _("%(booking)s is booked.", booking=booking_sudo.display_name)
        if booking_sudo.sale_order_id and booking_sudo.credits_missing == 1:
            message += " " + _(
                "The missing credit is on the quotation %(order)s, under Quotations.",
                order=booking_sudo.sale_order_id.name,
            )
        elif booking_sudo.sale_order_id:
            message += " " + _(
                "The %(missing)s missing %(unit)s are on the quotation %(order)s, "
                "under Quotations.",
                missing=credit_ledger.format_quantity(booking_sudo.credits_missing),
                unit=booking_sudo.unit_label,
                order=booking_sudo.sale_order_id.name,
            )
        return message

    def _recurring_get_cancelled_message(self, booking_sudo):
        _ = request.env._
        booking_sudo.invalidate_recordset(["entry_ids", "credits_spent", "credits_refunded"])
        if booking_sudo.credits_refunded:
            return _(
                "%(booking)s is cancelled: %(quantity)s %(unit)s given back.",
                booking=booking_sudo.display_name,
                quantity=credit_ledger.format_quantity(booking_sudo.credits_refunded),
                unit=booking_sudo.unit_label,
            )
        if booking_sudo.credits_spent:
            return _(
                "%(booking)s is cancelled. The deadline to get the credits back had passed: "
                "they are not given back.",
                booking=booking_sudo.display_name,
            )
        return _("%(booking)s is cancelled.", booking=booking_sudo.display_name)
