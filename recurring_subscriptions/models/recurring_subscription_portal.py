import math
from datetime import datetime, time, timedelta

import psycopg2
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, format_date, format_datetime, formatLang, is_html_empty

from ..const import RUNNING_STATES

# Customer actions and the plan permission each one needs (None: no permission needed).
PORTAL_ACTION_PERMISSIONS = {
    "skip": "customer_can_skip",
    "restore": "customer_can_skip",
    "change_quantity": "customer_can_change_quantity",
    "pause": "customer_can_pause",
    "resume": "customer_can_pause",
    "cancel_now": "customer_can_cancel",
    "cancel_period_end": "customer_can_cancel",
    "undo_cancel": "customer_can_cancel",
    "change_token": None,
    "accept_terms": None,
}
# Actions on a single coming period (the others act on the whole subscription).
PORTAL_PERIOD_ACTIONS = ("skip", "restore")
# Actions that change the coming order: refused less than plan.cutoff_hours before it.
PORTAL_CUTOFF_ACTIONS = {
    "skip",
    "restore",
    "change_quantity",
    "pause",
    "cancel_now",
    "cancel_period_end",
    "undo_cancel",
}
# Actions a customer may take before accepting the plan's terms: leaving is always possible.
PORTAL_TERMS_FREE_ACTIONS = {"accept_terms", "cancel_now", "cancel_period_end"}
# How many coming periods the portal lists.
PORTAL_COMING_PERIODS = 6


class RecurringSubscription(models.Model):
    """Customer (portal) actions of ``recurring.subscription``.

    Every action is a private ``_portal_<verb>`` method called by one portal route.
    Each one checks again, on the server, that the current user's commercial partner
    owns the subscription, then the plan permission, the acceptance of the plan's
    terms, the state and the cutoff (``_portal_get_refusal``, which the portal also
    uses to show or hide its buttons). Portal users only read subscriptions, so the
    changes are written with ``sudo()`` after those checks. Every change is logged
    as a subscription event and in the chatter (a note that notifies the
    salesperson), and confirmed to the customer by email.

    Quantities: customers may lower the quantity of a line or remove it (quantity 0)
    when the plan allows it, never raise it: ordering more goes through the shop.
    The new quantities apply to the next order and the following ones.

    Cutoff: a coming period starts at midnight (UTC) of its first day; it cannot be
    changed less than ``plan.cutoff_hours`` before that.
    """

    # recurring.subscription is split into one file per concern on purpose.
    _inherit = "recurring.subscription"

    terms_accepted_date = fields.Datetime(string="Terms Accepted On", readonly=True, copy=False)
    terms_accepted_partner_id = fields.Many2one(
        "res.partner", string="Terms Accepted By", readonly=True, copy=False
    )

    # ------------------------------------------------------------------
    # Customer (portal) actions: rules
    # ------------------------------------------------------------------

    def _portal_is_owner(self):
        """Whether the current user's commercial partner owns this subscription."""
        self.ensure_one()
        user = self.env.user
        if user._is_public():
            return False
        return self.sudo().commercial_partner_id == user.partner_id.commercial_partner_id

    def _portal_has_terms(self):
        self.ensure_one()
        return not is_html_empty(self.sudo().plan_id.terms)

    def _portal_needs_terms(self):
        """The plan has terms the customer has not accepted yet."""
        self.ensure_one()
        return self._portal_has_terms() and not self.sudo().terms_accepted_date

    def _portal_get_coming_date(self):
        """Start of the coming order, or False when none is scheduled (paused)."""
        self.ensure_one()
        sub = self.sudo()
        return False if sub.state == "paused" else sub.next_date

    def _portal_get_cutoff_deadline(self, period_start):
        """Last moment (UTC) at which the period starting on ``period_start`` can change."""
        self.ensure_one()
        start = datetime.combine(period_start, time.min)
        return start - timedelta(hours=self.sudo().plan_id.cutoff_hours)

    def _portal_is_before_cutoff(self, period_start):
        self.ensure_one()
        if not period_start:
            return True
        return fields.Datetime.now() < self._portal_get_cutoff_deadline(period_start)

    def _portal_get_refusal(self, action, occurrence=None):
        """Why the current user may not do ``action`` now, or False when they may.

        The portal shows a button only when this returns False, and every action
        calls it again before changing anything.

        :param str action: a key of ``PORTAL_ACTION_PERMISSIONS``
        :param occurrence: the period, for the actions on one period (skip, restore)
        :return: a message for the customer, or False
        """
        self.ensure_one()
        sub = self.sudo()
        _ = self.env._
        if not self._portal_is_owner():
            return _("Only the customer of this subscription can change it.")
        if action == "accept_terms":
            if not sub._portal_has_terms():
                return _("Your plan has no terms to accept.")
            if sub.terms_accepted_date:
                return _("You have already accepted the terms of your plan.")
            return False
        if sub.state in ("draft", "closed"):
            return _("This subscription is not running.")
        permission = PORTAL_ACTION_PERMISSIONS[action]
        if permission and not sub.plan_id[permission]:
            return _("Your plan does not allow this change. Please contact us.")
        if action not in PORTAL_TERMS_FREE_ACTIONS and sub._portal_needs_terms():
            return _("Please accept the terms and conditions of your plan first.")
        refusal = sub._portal_get_state_refusal(action, occurrence)
        if refusal:
            return refusal
        if action in PORTAL_CUTOFF_ACTIONS:
            date = occurrence.period_start if occurrence else sub._portal_get_coming_date()
            return sub._portal_get_cutoff_refusal(date)
        return False

    def _portal_get_cutoff_refusal(self, date):
        """Why the order of ``date`` can no longer be changed, or False."""
        self.ensure_one()
        if self._portal_is_before_cutoff(date):
            return False
        return self.env._(
            "Too late: the order of %(date)s could be changed until %(deadline)s.",
            date=format_date(self.env, date),
            deadline=format_datetime(
                self.env, self._portal_get_cutoff_deadline(date), tz=self.env.user.tz
            ),
        )

    def _portal_get_state_refusal(self, action, occurrence=None):
        """The part of ``_portal_get_refusal`` that depends on the state."""
        self.ensure_one()
        _ = self.env._
        state = self.state
        if action in PORTAL_PERIOD_ACTIONS:
            if state not in ("future", *RUNNING_STATES):
                return _("Deliveries can only be skipped or restored while the subscription runs.")
            if not occurrence or occurrence.subscription_id != self:
                return _("This delivery is not part of your subscription.")
            if self.next_date and occurrence.period_start < self.next_date:
                return _("This delivery is already under way.")
            if action == "skip" and occurrence.state != "planned":
                return _("Only planned deliveries can be skipped.")
            if action == "restore" and occurrence.state != "skipped":
                return _("Only skipped deliveries can be restored.")
        elif action == "pause":
            if state not in ("trial", "active"):
                return _("Only a running subscription can be paused.")
        elif action == "resume":
            if state != "paused":
                return _("This subscription is not paused.")
        elif action == "cancel_period_end":
            if self.cancel_at_period_end:
                return _("A cancellation is already scheduled.")
            if state not in (*RUNNING_STATES, "paused"):
                return _("This subscription has not started yet: cancel it now instead.")
        elif action == "undo_cancel":
            if not self.cancel_at_period_end:
                return _("No cancellation is scheduled.")
        elif action == "change_token":
            if self.payment_mode != "token":
                return _("This subscription is not paid with a saved payment method.")
        return False

    def _portal_get_allowed_actions(self):
        """{action: allowed} for the actions on the whole subscription (portal buttons)."""
        self.ensure_one()
        return {
            action: not self._portal_get_refusal(action)
            for action in PORTAL_ACTION_PERMISSIONS
            if action not in PORTAL_PERIOD_ACTIONS
        }

    def _portal_get_coming_periods(self):
        """The coming periods shown in the portal, with what the customer may do on each.

        :return: list of dicts with ``occurrence``, ``can_skip`` and ``can_restore``
        """
        self.ensure_one()
        sub = self.sudo()
        if sub.state not in ("future", *RUNNING_STATES) or not sub.next_date:
            return []
        occurrences = sub.occurrence_ids.filtered(
            lambda o: (
                o.state in ("planned", "skipped")
                and o.period_start >= sub.next_date
                and sub._is_period_planned(o)
            )
        ).sorted("period_start")[:PORTAL_COMING_PERIODS]
        return [
            {
                "occurrence": occurrence,
                "can_skip": not self._portal_get_refusal("skip", occurrence),
                "can_restore": not self._portal_get_refusal("restore", occurrence),
            }
            for occurrence in occurrences
        ]

    def _portal_get_close_reasons(self):
        return self.env["recurring.close.reason"].sudo().search([("visible_in_portal", "=", True)])

    def _portal_get_payment_tokens(self):
        """The saved payment methods the current user may pick for this subscription."""
        self.ensure_one()
        if not self._portal_is_owner():
            return self.env["payment.token"]
        partner = self.env.user.partner_id
        return (
            self.env["payment.token"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", (partner | partner.commercial_partner_id).ids),
                    ("company_id", "=", self.sudo().company_id.id),
                    ("provider_id.state", "in", ("enabled", "test")),
                ]
            )
        )

    # ------------------------------------------------------------------
    # Customer (portal) actions
    # ------------------------------------------------------------------

    def _portal_skip_period(self, occurrence_id):
        """Skip a coming period: no order, invoice or charge for it."""
        occurrence = self._portal_get_period(occurrence_id)
        sub_sudo = self._portal_prepare("skip", occurrence)
        occurrence.action_skip()
        change = self.env._(
            "Delivery of %(date)s skipped.", date=format_date(self.env, occurrence.period_start)
        )
        sub_sudo._portal_log_change(change, occurrence=occurrence)
        return change

    def _portal_restore_period(self, occurrence_id):
        """Restore a coming period the customer skipped."""
        occurrence = self._portal_get_period(occurrence_id)
        sub_sudo = self._portal_prepare("restore", occurrence)
        occurrence.action_restore()
        change = self.env._(
            "Delivery of %(date)s restored.", date=format_date(self.env, occurrence.period_start)
        )
        sub_sudo._portal_log_change(change, occurrence=occurrence)
        return change

    def _portal_update_quantities(self, quantities):
        """Lower or remove (quantity 0) lines for the next orders; raising is refused.

        :param dict quantities: {subscription line id: new quantity}; lines not
            given keep their quantity
        :return: the confirmation shown to the customer
        """
        sub_sudo = self._portal_prepare("change_quantity")
        _ = self.env._
        lines = sub_sudo.line_ids
        if set(quantities) - set(lines.ids):
            raise UserError(_("Only the lines of your subscription can be changed."))
        new_quantities = {}
        limit = lines._get_max_quantity()
        for line in lines:
            quantity = quantities.get(line.id, line.quantity)
            rounding = line.product_uom_id.rounding or 0.01
            if not isinstance(quantity, int | float) or not math.isfinite(quantity):
                raise UserError(_("Quantities must be numbers."))
            if quantity > limit:
                raise UserError(lines._get_max_quantity_message(line.product_id, limit))
            if quantity < 0:
                raise UserError(_("A quantity cannot be negative."))
            # The plain comparison first: float_compare overflows on huge values (1e308).
            if (
                quantity > line.quantity + rounding
                or float_compare(quantity, line.quantity, precision_rounding=rounding) > 0
            ):
                raise UserError(
                    _(
                        "You can lower the quantity of %(product)s or remove it, not raise it. "
                        "Please contact us to order more.",
                        product=line.product_id.display_name,
                    )
                )
            if float_compare(quantity, line.quantity, precision_rounding=rounding):
                new_quantities[line] = quantity
        if not new_quantities:
            return _("No quantity was changed.")
        if all(
            float_compare(
                new_quantities.get(line, line.quantity),
                0.0,
                precision_rounding=line.product_uom_id.rounding or 0.01,
            )
            <= 0
            for line in lines
        ):
            raise UserError(
                _(
                    "At least one product must stay in your subscription. "
                    "To stop all deliveries, cancel it instead."
                )
            )
        details = []
        for line, quantity in new_quantities.items():
            if float_compare(
                quantity, 0.0, precision_rounding=line.product_uom_id.rounding or 0.01
            ):
                details.append(
                    _(
                        "%(product)s: %(old)s → %(new)s %(unit)s",
                        product=line.product_id.display_name,
                        old=formatLang(self.env, line.quantity, dp="Product Unit of Measure"),
                        new=formatLang(self.env, quantity, dp="Product Unit of Measure"),
                        unit=line.product_uom_id.name,
                    )
                )
            else:
                details.append(_("%(product)s removed", product=line.product_id.display_name))
            line.quantity = quantity
        change = _(
            "Quantities of the next orders changed: %(details)s.", details="; ".join(details)
        )
        sub_sudo._portal_log_change(change)
        return change

    def _portal_pause(self):
        sub_sudo = self._portal_prepare("pause")
        sub_sudo.action_pause()
        change = self.env._("Subscription paused: no delivery until you resume it.")
        sub_sudo._portal_log_change(change)
        return change

    def _portal_resume(self):
        sub_sudo = self._portal_prepare("resume")
        sub_sudo.action_resume()
        change = self.env._(
            "Subscription resumed: next renewal on %(date)s.",
            date=format_date(self.env, sub_sudo.next_renewal_date),
        )
        sub_sudo._portal_log_change(change)
        return change

    def _portal_cancel(self, reason_id, at_period_end=True):
        """Cancel now or at the end of the current period, with a reason offered in the portal.

        Cancelling now closes the subscription at once, without refund (the shop
        can still issue one); the closing email is the confirmation.
        """
        sub_sudo = self._portal_prepare("cancel_period_end" if at_period_end else "cancel_now")
        _ = self.env._
        reason = sub_sudo._portal_get_close_reasons().filtered(lambda r: r.id == reason_id)
        if not reason:
            raise UserError(_("Please choose one of the reasons offered."))
        if at_period_end:
            sub_sudo.action_cancel_at_period_end(reason)
            change = _(
                "Cancellation scheduled: the subscription ends on %(date)s (%(reason)s).",
                date=format_date(self.env, sub_sudo.next_date),
                reason=reason.name,
            )
            sub_sudo._portal_log_change(change)
        else:
            # The author is the customer: make sure the closing email reaches them too.
            sub_sudo.with_context(mail_notify_author=True)._action_close(reason)
            change = _("Subscription cancelled (%(reason)s).", reason=reason.name)
            sub_sudo._portal_log_change(change, send_email=False)
        return change

    def _portal_undo_cancel(self):
        sub_sudo = self._portal_prepare("undo_cancel")
        sub_sudo.action_undo_cancel()
        change = self.env._(
            "Scheduled cancellation withdrawn: next renewal on %(date)s.",
            date=format_date(self.env, sub_sudo.next_renewal_date),
        )
        sub_sudo._portal_log_change(change)
        return change

    def _portal_set_payment_token(self, token_id):
        """Pay the next renewals with one of the customer's saved payment methods."""
        sub_sudo = self._portal_prepare("change_token")
        _ = self.env._
        token = sub_sudo._portal_get_payment_tokens().filtered(lambda t: t.id == token_id)
        if not token:
            raise UserError(_("This payment method cannot pay this subscription."))
        if token == sub_sudo.payment_token_id:
            return _("This payment method already pays this subscription.")
        sub_sudo.payment_token_id = token
        change = _("Payment method changed to %(token)s.", token=token.display_name)
        sub_sudo._portal_log_change(change)
        return change

    def _portal_accept_terms(self):
        """Record that the current user accepted the plan's terms and conditions."""
        sub_sudo = self._portal_prepare("accept_terms")
        sub_sudo.write(
            {
                "terms_accepted_date": fields.Datetime.now(),
                "terms_accepted_partner_id": self.env.user.partner_id.id,
            }
        )
        change = self.env._(
            "Terms and conditions of the plan %(plan)s accepted.", plan=sub_sudo.plan_id.name
        )
        sub_sudo._portal_log_change(change)
        return change

    # ------------------------------------------------------------------
    # Customer (portal) actions: helpers
    # ------------------------------------------------------------------

    def _portal_get_period(self, occurrence_id):
        self.ensure_one()
        occurrence = (
            self.env["recurring.subscription.occurrence"].sudo().browse(int(occurrence_id)).exists()
        )
        if not occurrence:
            raise UserError(self.env._("This delivery no longer exists."))
        return occurrence

    def _portal_prepare(self, action, occurrence=None):
        """Check that the current user may do ``action`` now; return the sudoed record.

        :raise AccessError: the current user's commercial partner does not own it
        :raise UserError: the plan, its terms, the state or the cutoff forbid it
        """
        self.ensure_one()
        if not self._portal_is_owner():
            raise AccessError(self.env._("Only the customer of this subscription can change it."))
        sub_sudo = self.sudo()
        sub_sudo._portal_lock()
        refusal = sub_sudo._portal_get_refusal(action, occurrence)
        if refusal:
            raise UserError(refusal)
        return sub_sudo

    def _portal_lock(self):
        """Lock the row so the renewal cron cannot renew it while the customer changes it."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                        SQL.identifier(self._table),
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "Your subscription is being renewed right now. Please try again in a minute."
                )
            ) from None
        self.invalidate_recordset()
        self.occurrence_ids.invalidate_recordset()

    def _portal_log_change(self, change, occurrence=None, send_email=True):
        """Record a change made by the customer: event, note for the shop, confirmation email.

        :param str change: what changed, one sentence in the customer's language
        """
        self.ensure_one()
        _ = self.env._
        customer = self.env.user.partner_id
        # The emails wait in the mail queue, whose cron is woken up at once: the customer's
        # page does not wait for the mail server.
        sub = self.with_context(mail_notify_force_send=False)
        sub._log_event(
            "info",
            _("Customer portal, %(customer)s: %(change)s", customer=customer.name, change=change),
            occurrence=occurrence,
        )
        # The shop: a note that notifies the salesperson and the followers of the subtype.
        sub.message_post(
            body=Markup("<p>%s</p>")
            % _(
                "%(customer)s changed %(subscription)s in the customer portal: %(change)s",
                customer=customer._get_html_link(),
                subscription=self._get_html_link(),
                change=change,
            ),
            message_type="comment",
            subtype_xmlid="recurring_subscriptions.mt_subscription_portal_change",
            partner_ids=sub._portal_get_notified_users().partner_id.ids,
        )
        if send_email:
            sub._portal_send_confirmation(change)
        mail_queue = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        if mail_queue:
            mail_queue.sudo()._trigger()

    def _portal_get_notified_users(self):
        """Who hears about a customer's change: the salesperson, else the leader of the
        sales team of the order that made the subscription, else the subscription
        manager set in the system parameter ``recurring_subscriptions.manager_user_id``."""
        self.ensure_one()
        user = self.user_id or self.source_order_id.team_id.user_id
        if not user:
            manager_id = (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("recurring_subscriptions.manager_user_id")
            )
            if manager_id and str(manager_id).isdigit():
                user = self.env["res.users"].sudo().browse(int(manager_id)).exists()
        return user.filtered("active")

    def _portal_send_confirmation(self, change):
        """Email the customer (and the contact who acted, when another one) what changed."""
        self.ensure_one()
        template = self.env.ref(
            "recurring_subscriptions.mail_template_subscription_portal_change",
            raise_if_not_found=False,
        )
        if not template:
            return
        recipients = self.partner_id | self.env.user.partner_id
        # The customer is the author of the action: notify them anyway.
        self.with_context(
            mail_notify_author=True,
            recurring_portal_change=change,
            recurring_portal_recipient_ids=",".join(str(pid) for pid in recipients.ids),
        ).message_post_with_source(
            template,
            message_type="comment",  # shown in the portal's communication history
            subtype_xmlid="mail.mt_comment",
            author_id=(self.user_id.partner_id or self.company_id.partner_id).id,
        )
