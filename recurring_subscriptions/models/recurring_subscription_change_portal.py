from odoo import fields, models
from odoo.exceptions import UserError

# Customer changes of a running subscription and the plan permission each one needs.
PORTAL_CHANGE_PERMISSIONS = {
    "switch_plan": "customer_can_switch_plan",
    "upsell": "customer_can_upsell",
    "edit_period": "customer_can_edit_period",
    "pause_until": "customer_can_pause",
    "discount_code": None,
}


class RecurringSubscription(models.Model):
    """Customer (portal) side of the changes of ``recurring_subscription_change.py``.

    Same rules as the other portal actions (owner, plan permission, terms, state,
    cutoff: ``_portal_get_refusal``), checked again under a row lock before any
    change (``_portal_prepare``). Previews use the same computation as the change.
    """

    _inherit = "recurring.subscription"

    def _portal_get_refusal(self, action, occurrence=None):
        if action not in PORTAL_CHANGE_PERMISSIONS:
            return super()._portal_get_refusal(action, occurrence)
        self.ensure_one()
        sub = self.sudo()
        _ = self.env._
        if not self._portal_is_owner():
            return _("Only the customer of this subscription can change it.")
        if action == "pause_until":
            return super()._portal_get_refusal("resume" if sub.state == "paused" else "pause")
        if sub.state in ("draft", "closed"):
            return _("This subscription is not running.")
        permission = PORTAL_CHANGE_PERMISSIONS[action]
        if permission and not sub.plan_id[permission]:
            return _("Your plan does not allow this change. Please contact us.")
        if action == "switch_plan" and not sub.plan_id.switch_plan_ids:
            return _("Your plan cannot be switched to another one. Please contact us.")
        if sub._portal_needs_terms():
            return _("Please accept the terms and conditions of your plan first.")
        refusal = sub._change_get_refusal()
        if refusal:
            return refusal
        date = sub._portal_get_coming_date()
        if action == "edit_period":
            if not occurrence:
                return False  # the page lists the periods that can change
            if occurrence.subscription_id != sub:
                return _("This delivery is not part of your subscription.")
            if occurrence.state != "planned" or (
                sub.next_date and occurrence.period_start < sub.next_date
            ):
                return _("Only a coming, planned delivery can be changed.")
            date = occurrence.period_start
        if action != "discount_code":
            return sub._portal_get_cutoff_refusal(date)
        return False

    def _portal_get_change_actions(self):
        """{action: allowed} for the changes offered in the portal."""
        self.ensure_one()
        return {
            action: not self._portal_get_refusal(action) for action in PORTAL_CHANGE_PERMISSIONS
        }

    def _portal_get_editable_periods(self):
        self.ensure_one()
        return [
            period["occurrence"]
            for period in self._portal_get_coming_periods()
            if not self._portal_get_refusal("edit_period", period["occurrence"])
        ]

    def _portal_check_products(self, extras):
        products = self.sudo().plan_id._get_addable_products()
        if set(extras) - set(products.ids):
            raise UserError(self.env._("This product cannot be added to your subscription."))

    def _portal_change_preview(self, mode, values):
        """Preview of a customer change; the same checks as the change itself."""
        self.ensure_one()
        action = self._portal_change_action(mode)
        occurrence = self._portal_change_occurrence(mode, values)
        refusal = self._portal_get_refusal(action, occurrence)
        if refusal:
            raise UserError(refusal)
        return self.sudo()._portal_change_compute(mode, values, occurrence)

    def _portal_change_action(self, mode):
        actions = {"switch": "switch_plan", "lines": "upsell", "period": "edit_period"}
        if mode not in actions:
            raise UserError(self.env._("Unknown change."))
        return actions[mode]

    def _portal_change_occurrence(self, mode, values):
        if mode != "period":
            return None
        occurrence = self._portal_get_period(values.get("occurrence_id") or 0)
        return occurrence

    def _portal_change_compute(self, mode, values, occurrence=None):
        self.ensure_one()
        _ = self.env._
        quantities = values.get("quantities", {})
        extras = values.get("extras", {})
        if mode == "switch":
            plan = self.env["recurring.plan"].browse(values.get("plan_id") or 0).exists()
            if not plan:
                raise UserError(_("Choose one of the plans offered."))
            return self._change_preview_switch(plan, values.get("when") or "now")
        self._portal_check_products(extras)
        if mode == "period":
            return occurrence._change_preview_override(quantities, extras)
        lines = self.line_ids
        lowered = [
            line for line in lines if line.id in quantities and quantities[line.id] < line.quantity
        ]
        if lowered and not self.plan_id.customer_can_change_quantity:
            raise UserError(_("Your plan does not allow lowering quantities. Please contact us."))
        return self._change_preview_lines(quantities, extras, refund_now=False)

    def _portal_change_apply(self, mode, values):
        """Apply a customer change after checking everything again under a lock."""
        self.ensure_one()
        action = self._portal_change_action(mode)
        occurrence = self._portal_change_occurrence(mode, values)
        sub_sudo = self._portal_prepare(action, occurrence)
        preview = sub_sudo._portal_change_compute(mode, values, occurrence)
        if mode == "switch":
            change = sub_sudo._change_apply_switch(preview)
        elif mode == "lines":
            change = sub_sudo._change_apply_lines(preview)
        else:
            change = occurrence._change_apply_override(preview["quantities"], preview["extras"])[1]
        sub_sudo._portal_log_change(change, occurrence=occurrence)
        return change

    def _portal_pause_until(self, resume_date):
        sub_sudo = self._portal_prepare("pause_until")
        try:
            resume_date = fields.Date.to_date(resume_date)
        except ValueError:
            resume_date = None
        change = sub_sudo._change_pause_until(resume_date)
        sub_sudo._portal_log_change(change)
        return change

    def _portal_apply_discount_code(self, code):
        sub_sudo = self._portal_prepare("discount_code")
        change = sub_sudo._change_apply_discount_code(code)
        sub_sudo._portal_log_change(change)
        return change
