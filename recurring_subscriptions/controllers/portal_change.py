import math

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from .portal import RecurringSubscriptionPortal


class RecurringSubscriptionChangePortal(RecurringSubscriptionPortal):
    """Changes of a running subscription in the portal: a page with the forms, a
    preview (GET, nothing changes) and a confirmation (POST, CSRF-checked)."""

    def _prepare_recurring_subscription_values(
        self, subscription_sudo, access_token=None, **kwargs
    ):
        values = super()._prepare_recurring_subscription_values(
            subscription_sudo, access_token=access_token, **kwargs
        )
        subscription = subscription_sudo.with_user(request.env.user)
        values["change_allowed"] = (
            subscription._portal_get_change_actions() if values["is_owner"] else {}
        )
        return values

    @staticmethod
    def _parse_recurring_change(form):
        """{mode, plan_id, when, occurrence_id, quantities, extras} from a change form.

        :raise ValueError: a number is malformed
        """

        def number(value):
            result = float(value)
            if not math.isfinite(result):
                raise ValueError(value)
            return result

        quantities = {
            int(name.removeprefix("quantity_")): number(value)
            for name, value in form.items()
            if name.startswith("quantity_") and value != ""
        }
        extras = {
            int(name.removeprefix("add_")): number(value)
            for name, value in form.items()
            if name.startswith("add_") and value not in ("", "0")
        }
        return {
            "mode": form.get("mode") or "",
            "plan_id": int(form["plan_id"]) if form.get("plan_id") else False,
            "when": form.get("when") or "now",
            "occurrence_id": int(form["occurrence_id"]) if form.get("occurrence_id") else False,
            "quantities": quantities,
            "extras": extras,
        }

    @http.route(
        "/my/subscriptions/<int:sub_id>/change",
        type="http",
        auth="user",
        website=True,
    )
    def portal_recurring_change(self, sub_id, access_token=None, **kwargs):
        try:
            subscription_sudo = self._document_check_access(
                "recurring.subscription", sub_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        subscription = subscription_sudo.with_user(request.env.user)
        if not subscription._portal_is_owner():
            return request.redirect("/my")
        values = self._prepare_recurring_subscription_values(
            subscription_sudo, access_token=access_token
        )
        preview = error = change = None
        if kwargs.get("mode"):
            try:
                change = self._parse_recurring_change(kwargs)
                preview = subscription._portal_change_preview(change["mode"], change)
            except ValueError:
                error = request.env._("Quantities must be numbers.")
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
        plan_sudo = subscription_sudo.plan_id
        values.update(
            {
                "page_name": "recurring_subscription_change",
                "preview": preview,
                "change": change or {},
                "change_error": error,
                "form": kwargs,
                "switch_plans_sudo": plan_sudo.switch_plan_ids,
                "addable_products_sudo": plan_sudo._get_addable_products(),
                "editable_periods": subscription._portal_get_editable_periods()
                if values["change_allowed"].get("edit_period")
                else [],
                "currency": subscription_sudo.currency_id,
            }
        )
        return request.render("recurring_subscriptions.portal_my_subscription_change", values)

    @http.route(
        "/my/subscriptions/<int:sub_id>/change/confirm",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_change_confirm(self, sub_id, access_token=None, **kwargs):
        try:
            change = self._parse_recurring_change(kwargs)
        except ValueError:
            self._recurring_flash("danger", request.env._("Quantities must be numbers."))
            return self._recurring_redirect(sub_id, access_token)
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_change_apply(change["mode"], change)
        )

    @http.route(
        "/my/subscriptions/<int:sub_id>/pause_until",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_pause_until(self, sub_id, access_token=None, resume_date=None, **kwargs):
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_pause_until(resume_date)
        )

    @http.route(
        "/my/subscriptions/<int:sub_id>/discount_code",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_recurring_discount_code(self, sub_id, access_token=None, code=None, **kwargs):
        return self._recurring_subscription_act(
            sub_id, access_token, lambda sub: sub._portal_apply_discount_code(code or "")
        )
