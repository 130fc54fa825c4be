import math

from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# Session key of the one-shot message shown after an action (success or refusal).
FLASH_SESSION_KEY = "recurring_portal_flash"


class RecurringSubscriptionPortal(CustomerPortal):
    """The customer's subscriptions under /my/subscriptions.

    Reading: the owner through the portal record rules, anyone else with the
    subscription's access token (links in emails). Acting (POST only, CSRF token
    required): the owner only; each route calls one ``_portal_*`` model method,
    which checks every rule again. Another customer's subscription redirects to
    /my when displayed and answers 403 Forbidden to an action.
    """

    # ------------------------------------------------------------------
    # /my tile
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "recurring_subscription_count" in counters:
            Subscription = request.env["recurring.subscription"]
            values["recurring_subscription_count"] = (
                Subscription.search_count(
                    self._prepare_recurring_subscriptions_domain(request.env.user.partner_id)
                )
                if Subscription.has_access("read")
                else 0
            )
        return values

    def _prepare_recurring_subscriptions_domain(self, partner):
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("state", "!=", "draft"),
        ]

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------

    def _get_recurring_subscription_searchbar_sortings(self):
        _ = request.env._
        return {
            "next": {"label": _("Next Renewal"), "order": "next_date asc, id desc"},
            "reference": {"label": _("Reference"), "order": "name desc"},
            "plan": {"label": _("Plan"), "order": "plan_id, id desc"},
            "state": {"label": _("Status"), "order": "state, id desc"},
            "amount": {"label": _("Recurring Amount"), "order": "recurring_total desc, id desc"},
        }

    def _prepare_recurring_subscriptions_values(self, page=1, sortby=None, **kwargs):
        Subscription = request.env["recurring.subscription"]
        values = self._prepare_portal_layout_values()
        domain = self._prepare_recurring_subscriptions_domain(request.env.user.partner_id)
        sortings = self._get_recurring_subscription_searchbar_sortings()
        if sortby not in sortings:
            sortby = "next"
        pager_values = portal_pager(
            url="/my/subscriptions",
            total=Subscription.search_count(domain),
            page=page,
            step=self._items_per_page,
            url_args={"sortby": sortby},
        )
        subscriptions = Subscription.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager_values["offset"],
        )
        values.update(
            {
                "subscriptions": subscriptions.sudo(),
                "page_name": "recurring_subscription",
                "pager": pager_values,
                "default_url": "/my/subscriptions",
                "searchbar_sortings": sortings,
                "sortby": sortby,
            }
        )
        return values

    @http.route(
        ["/my/subscriptions", "/my/subscriptions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_recurring_subscriptions(self, **kwargs):
        values = self._prepare_recurring_subscriptions_values(**kwargs)
        request.session["my_recurring_subscriptions_history"] = values["subscriptions"].ids[:100]
        return request.render("recurring_subscriptions.portal_my_subscriptions", values)

    # ------------------------------------------------------------------
    # Detail
    # ------------------------------------------------------------------

    def _prepare_recurring_subscription_values(
        self, subscription_sudo, access_token=None, **kwargs
    ):
        # The rules are evaluated for the visitor, not for the superuser of `_sudo`.
        subscription = subscription_sudo.with_user(request.env.user)
        is_owner = subscription._portal_is_owner()
        orders_sudo = (subscription_sudo.order_ids | subscription_sudo.source_order_id).filtered(
            lambda o: o.state == "sale"
        )
        invoices_sudo = (
            subscription_sudo.invoice_ids | subscription_sudo.source_order_id.invoice_ids
        ).filtered(lambda m: m.state == "posted" and m.move_type in ("out_invoice", "out_refund"))
        values = {
            "subscription": subscription_sudo,
            "page_name": "recurring_subscription",
            "is_owner": is_owner,
            "allowed": subscription._portal_get_allowed_actions() if is_owner else {},
            "coming_periods": subscription._portal_get_coming_periods() if is_owner else [],
            "coming_date": subscription_sudo.next_renewal_date,
            "cutoff_deadline": False,
            "close_reasons_sudo": subscription._portal_get_close_reasons(),
            "tokens_sudo": subscription._portal_get_payment_tokens(),
            "card_consent": subscription_sudo._get_card_consent(),
            "orders_sudo": orders_sudo.sorted("date_order", reverse=True),
            "invoices_sudo": invoices_sudo.sorted(
                lambda m: (m.invoice_date or m.date, m.id), reverse=True
            ),
            "flash": request.session.pop(FLASH_SESSION_KEY, None),
            "action_url": f"/my/subscriptions/{subscription_sudo.id}",
        }
        if values["coming_date"]:
            values["cutoff_deadline"] = subscription._portal_get_cutoff_deadline(
                values["coming_date"]
            )
        values = self._get_page_view_values(
            subscription_sudo,
            access_token,
            values,
            "my_recurring_subscriptions_history",
            False,
            **kwargs,
        )
        if is_owner and not values.get("token"):
            # Portal users only read subscriptions: the chatter posts with the token.
            values["token"] = subscription_sudo._portal_ensure_token()
        return values

    @http.route(
        "/my/subscriptions/<int:sub_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_recurring_subscription(self, sub_id, access_token=None, **kwargs):
        try:
            subscription_sudo = self._document_check_access(
                "recurring.subscription", sub_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_recurring_subscription_values(
            subscription_sudo, access_token=access_token, **kwargs
        )
        return request.render("recurring_subscriptions.portal_my_subscription", values)

    # ------------------------------------------------------------------
    # Actions (POST; Odoo checks the CSRF token of every type="http" POST)
    # ------------------------------------------------------------------

    def _recurring_subscription_act(self, sub_id, access_token, act):
        """Run ``act(subscription)`` for the current user and go back to the subscription.

        :param act: a function calling one ``_portal_*`` method; it returns the
            confirmation shown to the customer
        :raise Forbidden: the current user may not act on this subscription
        :raise NotFound: the subscription does not exist
        """
        try:
            self._document_check_access("recurring.subscription", sub_id, access_token=access_token)
            subscription = request.env["recurring.subscription"].browse(sub_id)
            # A refused action leaves nothing behind, even if it failed half-way.
            with request.env.cr.savepoint():
                message = act(subscription)
        except MissingError as error:
            raise NotFound() from error
        except AccessError as error:
            raise Forbidden() from error
        except (UserError, ValidationError) as error:
            self._recurring_flash("danger", error.args[0])
        else:
            self._recurring_flash("success", message)
        return self._recurring_redirect(sub_id, access_token)

    def _recurring_flash(self, kind, message):
        """Show ``message`` once, on the next page of the subscription."""
        request.session[FLASH_SESSION_KEY] = {"type": kind, "message": message}

    def _recurring_redirect(self, sub_id, access_token=None):
        url = f"/my/subscriptions/{sub_id}"
        if access_token:
            url += f"?access_token={access_token}"
        return request.redirect(url)

    @http.route(
        "/my/subscriptions/<int:sub_id>/periods/<int:occurrence_id>/skip",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_skip_period(self, sub_id, occurrence_id, access_token=None, **kwargs):
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_skip_period(occurrence_id)
        )

    @http.route(
        "/my/subscriptions/<int:sub_id>/periods/<int:occurrence_id>/restore",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_restore_period(self, sub_id, occurrence_id, access_token=None, **kwargs):
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_restore_period(occurrence_id)
        )

    @http.route(
        "/my/subscriptions/<int:sub_id>/quantities",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_update_quantities(self, sub_id, access_token=None, **kwargs):
        try:
            quantities = self._parse_recurring_quantities(kwargs)
        except ValueError:
            self._recurring_flash("danger", request.env._("Quantities must be numbers."))
            return self._recurring_redirect(sub_id, access_token)
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_update_quantities(quantities)
        )

    @staticmethod
    def _parse_recurring_quantities(form):
        """{line id: quantity} from the form fields ``quantity_<line id>``.

        :raise ValueError: a field name or value is not a (finite) number
        """
        quantities = {
            int(name.removeprefix("quantity_")): float(value)
            for name, value in form.items()
            if name.startswith("quantity_")
        }
        if not all(math.isfinite(quantity) for quantity in quantities.values()):
            raise ValueError("quantities must be finite")
        return quantities

    @http.route(
        "/my/subscriptions/<int:sub_id>/pause",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_pause(self, sub_id, access_token=None, **kwargs):
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_pause()
        )

    @http.route(
        "/my/subscriptions/<int:sub_id>/resume",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_resume(self, sub_id, access_token=None, **kwargs):
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_resume()
        )

    @http.route(
        "/my/subscriptions/<int:sub_id>/cancel",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_cancel(
        self, sub_id, access_token=None, reason_id=None, when="period_end", **kwargs
    ):
        reason = int(reason_id) if reason_id and reason_id.isdigit() else False
        return self._recurring_subscription_act(
            sub_id,
            access_token,
            lambda sub: sub._portal_cancel(reason, at_period_end=when != "now"),
        )

    @http.route(
        "/my/subscriptions/<int:sub_id>/undo_cancel",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_undo_cancel(self, sub_id, access_token=None, **kwargs):
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_undo_cancel()
        )

    @http.route(
        "/my/subscriptions/<int:sub_id>/payment_token",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_set_payment_token(
        self, sub_id, access_token=None, token_id=None, **kwargs
    ):
        token = int(token_id) if token_id and token_id.isdigit() else False
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_set_payment_token(token)
        )

    @http.route(
        "/my/subscriptions/<int:sub_id>/accept_terms",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_accept_terms(self, sub_id, access_token=None, **kwargs):
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_accept_terms()
        )
