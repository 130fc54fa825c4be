from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import format_date

from ..const import RENEWING_STATES
from ..utils import periods, proration
from .recurring_subscription_occurrence_change import combine_discounts

_ONE_DAY = timedelta(days=1)


class RecurringSubscription(models.Model):
    """Changing a running subscription: plan switch, more or fewer products, pause
    until a date, introductory discounts and discount codes.

    Every change has a preview (``_change_preview_*``): a plain dict with the lines
    billed now (``charge_lines``), the prorated credit (``credit_lines``), taxes,
    ``total_now`` and the next renewal (``next_date``, ``next_lines``,
    ``next_total``). Applying a change (``_change_apply_*``) bills exactly the lines
    of its preview, so what the user saw is what is billed.
    """

    _inherit = "recurring.subscription"

    pause_until = fields.Date(
        string="Paused Until",
        copy=False,
        tracking=True,
        help="The scheduler resumes the subscription on this day.",
    )
    next_plan_id = fields.Many2one(
        "recurring.plan",
        string="Plan From Next Period",
        copy=False,
        tracking=True,
        check_company=True,
        help="Switch scheduled at the end of the current period.",
    )
    discount_code_id = fields.Many2one(
        "recurring.discount.code", copy=False, tracking=True, readonly=True
    )
    intro_discount_percent = fields.Float(
        string="Introductory Discount (%)", digits="Discount", copy=False, readonly=True
    )
    intro_discount_end = fields.Date(
        string="Discount Ends",
        copy=False,
        readonly=True,
        help="First period without the discount; empty: the discount lasts forever.",
    )

    # ------------------------------------------------------------------
    # Introductory discount and discount codes
    # ------------------------------------------------------------------

    def _get_intro_discount(self, period_start):
        """Discount (%) of the period starting on ``period_start`` (0 when none)."""
        self.ensure_one()
        if not self.intro_discount_percent:
            return 0.0
        if self.intro_discount_end and period_start >= self.intro_discount_end:
            return 0.0
        return self.intro_discount_percent

    def _start(self, today, first_period_done_by=None, period_count=None):
        result = super()._start(today, first_period_done_by, period_count)
        plan = self.plan_id
        if plan.intro_discount and plan.intro_periods and not self.intro_discount_percent:
            self.write(
                {
                    "intro_discount_percent": plan.intro_discount,
                    "intro_discount_end": periods.period_start(
                        self.anchor_date,
                        plan.billing_unit,
                        plan.billing_interval,
                        plan.intro_periods,
                    ),
                }
            )
        return result

    def _change_apply_discount_code(self, code):
        """Use a discount code from the next renewal on; returns the confirmation."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        self._change_check_allowed()
        if self.intro_discount_percent and self._get_intro_discount(self.next_date):
            raise UserError(
                self.env._("A discount already applies to this subscription: one at a time.")
            )
        discount = self.env["recurring.discount.code"]._find_valid(code, self, today)
        end = False
        if discount.duration_type == "periods":
            plan = self.plan_id
            index = periods.period_index_at(
                self.anchor_date, plan.billing_unit, plan.billing_interval, self.next_date
            )
            end = periods.period_start(
                self.anchor_date,
                plan.billing_unit,
                plan.billing_interval,
                index + discount.duration_periods,
            )
        self.write(
            {
                "discount_code_id": discount.id,
                "intro_discount_percent": discount.percent,
                "intro_discount_end": end,
            }
        )
        return self._change_describe_discount()

    def _change_describe_discount(self):
        self.ensure_one()
        if not self.intro_discount_percent:
            return ""
        if not self.intro_discount_end:
            return self.env._(
                "Discount of %(percent)s%% on every renewal.", percent=self.intro_discount_percent
            )
        return self.env._(
            "Discount of %(percent)s%% on the renewals until %(date)s.",
            percent=self.intro_discount_percent,
            date=format_date(self.env, self.intro_discount_end - _ONE_DAY),
        )

    def action_apply_discount_code(self, code):
        self.ensure_one()
        message = self._change_apply_discount_code(code)
        self._change_log(message)
        return True

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    def _change_get_refusal(self):
        """Why this subscription cannot be changed now, or False."""
        self.ensure_one()
        _ = self.env._
        if self.payment_suspended or self.state == "past_due":
            return _(
                "%(sub)s has an unpaid renewal: it cannot be changed until it is paid.",
                sub=self.name,
            )
        if self.cancel_at_period_end:
            return _(
                "%(sub)s is cancelled at the end of the period: withdraw the cancellation "
                "before changing it.",
                sub=self.name,
            )
        if self.state == "paused":
            return _("%(sub)s is paused: resume it before changing it.", sub=self.name)
        if self.state not in ("trial", "active", "future"):
            return _("%(sub)s is not running.", sub=self.name)
        return False

    def _change_check_allowed(self):
        refusal = self._change_get_refusal()
        if refusal:
            raise UserError(refusal)

    def _change_current_period(self, today):
        """The billed period containing ``today`` (a done occurrence with a posted invoice)."""
        self.ensure_one()
        return self.occurrence_ids.filtered(
            lambda o: (
                o.state == "done"
                and o.period_start <= today <= o.period_end
                and o.invoice_id.state == "posted"
            )
        ).sorted("period_start")[-1:]

    # ------------------------------------------------------------------
    # Amounts: one place computes every preview and what gets billed
    # ------------------------------------------------------------------

    def _change_get_product_price(self, product, quantity, date, plan=None, uom=None):
        self.ensure_one()
        return product.product_tmpl_id._get_recurring_price(
            plan or self.plan_id,
            product=product,
            pricelist=self.pricelist_id,
            quantity=quantity or 1.0,
            uom=uom or product.uom_id,
            date=date,
            currency=self.currency_id,
            company=self.company_id,
        )

    def _change_get_product_taxes(self, product):
        company = self.company_id
        return product.taxes_id.filtered(lambda tax: tax.company_id in company.parent_ids)

    def _change_line(self, product, quantity, price_unit, discount, taxes, name, uom=None):
        """A plain preview line with its amounts (taxes computed as on the invoice)."""
        self.ensure_one()
        currency = self.currency_id
        amounts = taxes.compute_all(
            price_unit * (1.0 - (discount or 0.0) / 100.0),
            currency,
            quantity,
            product=product,
            partner=self.partner_invoice_id,
        )
        return {
            "product_id": product.id,
            "product_name": product.display_name,
            "name": name,
            "quantity": quantity,
            "uom_id": (uom or product.uom_id).id,
            "price_unit": price_unit,
            "discount": discount or 0.0,
            "tax_ids": taxes.ids,
            "subtotal": amounts["total_excluded"],
            "total": amounts["total_included"],
        }

    def _change_line_from_invoice_vals(self, vals):
        tax_ids = vals.get("tax_ids") or [(6, 0, [])]
        product = self.env["product.product"].browse(vals["product_id"])
        return self._change_line(
            product,
            vals["quantity"],
            vals["price_unit"],
            vals["discount"],
            self.env["account.tax"].browse(tax_ids[0][2]),
            vals["name"],
            self.env["uom.uom"].browse(vals.get("product_uom_id")),
        )

    def _change_totals(self, charge_lines, credit_lines, next_lines):
        currency = self.currency_id
        untaxed = sum(l["subtotal"] for l in charge_lines) - sum(
            l["subtotal"] for l in credit_lines
        )
        total = sum(l["total"] for l in charge_lines) - sum(l["total"] for l in credit_lines)
        return {
            "currency_id": currency.id,
            "charge_total": currency.round(sum(l["total"] for l in charge_lines)),
            "credit_total": currency.round(sum(l["total"] for l in credit_lines)),
            "untaxed_now": currency.round(untaxed),
            "tax_now": currency.round(total - untaxed),
            "total_now": currency.round(total),
            "next_untaxed": currency.round(sum(l["subtotal"] for l in next_lines)),
            "next_total": currency.round(sum(l["total"] for l in next_lines)),
        }

    def _change_credit_lines(self, period, day):
        """Credit for ``[day, period end]`` of what the period billed (its renewal lines)."""
        self.ensure_one()
        if not period:
            return []
        currency = self.currency_id
        label = self.env._(
            "Unused part of %(start)s - %(end)s",
            start=format_date(self.env, day),
            end=format_date(self.env, period.period_end),
        )
        lines = []
        for vals in period._prepare_line_values(for_invoice=True):
            price = proration.unused_amount(
                vals["price_unit"],
                period.period_start,
                period.period_end,
                day,
                currency.decimal_places,
            )
            if not price:
                continue
            lines.append(
                self._change_line_from_invoice_vals(
                    {**vals, "price_unit": price, "name": f"{vals['name']}\n{label}"}
                )
            )
        return lines

    def _change_plan_lines(self, plan, start, end):
        """The lines after a switch to ``plan``, priced for its period ``[start, end]``.

        :return: (values to write on the subscription lines, preview lines)
        """
        self.ensure_one()
        allowed = all(
            not line.product_id.recurring_ok or plan in line.product_id.recurring_plan_ids
            for line in self.line_ids
        )
        if allowed:
            entries = [
                (line, line.product_id, line.quantity, line.product_uom_id)
                for line in self.line_ids
            ]
        elif plan.line_ids:
            entries = [
                (None, tline.product_id, tline.quantity, tline.product_uom_id)
                for tline in plan.line_ids
            ]
        else:
            raise UserError(
                self.env._(
                    "The products of %(sub)s cannot be sold with the plan %(plan)s.",
                    sub=self.name,
                    plan=plan.name,
                )
            )
        percent = self._get_intro_discount(start)
        writes, preview = [], []
        for line, product, quantity, uom in entries:
            price, discount = self._change_get_product_price(product, quantity, start, plan, uom)
            writes.append(
                (
                    line,
                    {
                        "product_id": product.id,
                        "quantity": quantity,
                        "product_uom_id": uom.id,
                        "price_unit": price,
                        "discount": discount,
                    },
                )
            )
            if quantity <= 0:
                continue
            taxes = line.tax_ids if line else self._change_get_product_taxes(product)
            name = self.env._(
                "%(name)s\nPeriod: %(start)s - %(end)s",
                name=(line.name if line else False) or product.display_name,
                start=format_date(self.env, start),
                end=format_date(self.env, end),
            )
            preview.append(
                self._change_line(
                    product, quantity, price, combine_discounts(discount, percent), taxes, name, uom
                )
            )
        return writes, preview

    # ------------------------------------------------------------------
    # Plan switch
    # ------------------------------------------------------------------

    def _change_preview_switch(self, plan, when="now"):
        """Preview of a switch to ``plan`` now (prorated) or at the end of the period."""
        self.ensure_one()
        _ = self.env._
        self._change_check_allowed()
        if not plan or plan == self.plan_id:
            raise UserError(_("Choose another plan."))
        if plan not in self.plan_id.switch_plan_ids:
            raise UserError(
                _(
                    "The plan %(plan)s cannot switch to %(target)s.",
                    plan=self.plan_id.name,
                    target=plan.name,
                )
            )
        if when not in ("now", "period_end"):
            raise UserError(_("Switch now or at the end of the period."))
        today = fields.Date.context_today(self)
        unit, interval = plan.billing_unit, plan.billing_interval
        current = running = self.env["recurring.subscription.occurrence"]
        credit_lines, charge_lines = [], []
        if when == "period_end" or self.state in ("trial", "future"):
            # Nothing billed now: the new plan starts with the next period.
            when = "period_end" if self.state == "active" else "now"
            start = (
                self.next_date if self.state == "active" else (self.anchor_date or self.start_date)
            )
            next_date = start
        else:
            current = self._change_current_period(today)
            # The period under way, billed or not (an order without invoice).
            running = self.occurrence_ids.filtered(
                lambda o: o.state == "done" and o.period_start <= today <= o.period_end
            )
            if any(o.period_start == today for o in running):
                raise UserError(
                    _(
                        "The current period started today and is already billed: switch at "
                        "the end of the period, or from tomorrow."
                    )
                )
            start = today
            credit_lines = self._change_credit_lines(current, today)
            next_date = periods.period_start(start, unit, interval, 1)
        end = periods.period_bounds(start, unit, interval, 0)[1]
        writes, new_lines = self._change_plan_lines(plan, start, end)
        if when == "now" and self.state == "active":
            charge_lines = new_lines
            next_end = periods.period_bounds(start, unit, interval, 1)[1]
            next_lines = self._change_plan_lines(plan, next_date, next_end)[1]
        else:
            next_lines = new_lines
        return {
            "kind": "switch",
            "plan_id": plan.id,
            "when": when,
            "date": today,
            "start": start,
            "period_id": current.id,
            "running_period_ids": running.ids,
            "line_writes": writes,
            "charge_lines": charge_lines,
            "credit_lines": credit_lines,
            "next_date": next_date,
            "next_lines": next_lines,
            **self._change_totals(charge_lines, credit_lines, next_lines),
        }

    def action_switch_plan(self, plan, when="now"):
        """Back office: switch to ``plan`` now or at the end of the period."""
        self.ensure_one()
        message = self._change_apply_switch(self._change_preview_switch(plan, when))
        self._change_log(message)
        return message

    def _change_apply_switch(self, preview):
        self.ensure_one()
        plan = self.env["recurring.plan"].browse(preview["plan_id"])
        _ = self.env._
        if preview["when"] == "period_end":
            self.next_plan_id = plan
            return _(
                "Switch to the plan %(plan)s scheduled on %(date)s; the next renewal will be "
                "%(amount)s.",
                plan=plan.name,
                date=format_date(self.env, preview["next_date"]),
                amount=self.currency_id.format(preview["next_total"]),
            )
        old_plan = self.plan_id
        today = preview["date"]
        current = self.env["recurring.subscription.occurrence"].browse(preview["period_id"])
        credit_note = self._change_create_credit_note(preview["credit_lines"], current)
        # The old period ends the day before the switch: no day billed twice.
        running = self.env["recurring.subscription.occurrence"].browse(
            preview["running_period_ids"]
        )
        running.write({"period_end": today - _ONE_DAY})
        self._change_write_plan(plan, preview["line_writes"])
        if self.state in ("trial", "future"):
            # Nothing was billed: the schedule keeps its start and follows the new plan.
            self._reanchor(self.anchor_date or self.start_date)
            return _("Plan switched from %(old)s to %(new)s.", old=old_plan.name, new=plan.name)
        self._reanchor(today)
        period = self._get_due_occurrences()
        documents = self._change_create_documents(preview["charge_lines"], period)
        period.write({"state": "done", "error_message": False})
        period._on_periods_started()
        self._change_reconcile(credit_note, current.invoice_id | documents)
        self._advance_schedule()
        period._run_payment_step()
        return _(
            "Plan switched from %(old)s to %(new)s: %(amount)s billed now for %(start)s - "
            "%(end)s, after a credit of %(credit)s for the unused time; next renewal on "
            "%(date)s.",
            old=old_plan.name,
            new=plan.name,
            amount=self.currency_id.format(preview["charge_total"]),
            credit=self.currency_id.format(preview["credit_total"]),
            start=format_date(self.env, period.period_start),
            end=format_date(self.env, period.period_end),
            date=format_date(self.env, self.next_date),
        )

    def _change_write_plan(self, plan, line_writes):
        commands = [
            Command.update(line.id, vals) if line else Command.create(vals)
            for line, vals in line_writes
        ]
        kept = {line.id for line, _vals in line_writes if line}
        commands += [Command.unlink(line.id) for line in self.line_ids if line.id not in kept]
        self.with_context(recurring_plan_switch=True).write(
            {"plan_id": plan.id, "next_plan_id": False, "line_ids": commands}
        )

    def _apply_scheduled_switches(self, today, ids=None):
        """Lifecycle: switches scheduled at the end of the period start with the new period."""
        domain = [
            ("next_plan_id", "!=", False),
            ("state", "in", RENEWING_STATES),
            ("next_date", "<=", today),
            ("cancel_at_period_end", "=", False),
        ]
        if ids is not None:
            domain.append(("id", "in", ids))
        for sub in self.search(domain):
            plan = sub.next_plan_id
            start = sub.next_date
            end = periods.period_bounds(start, plan.billing_unit, plan.billing_interval, 0)[1]
            writes = sub._change_plan_lines(plan, start, end)[0]
            old_plan = sub.plan_id
            sub._change_write_plan(plan, writes)
            sub._reanchor(start)
            sub._change_log(
                self.env._(
                    "Plan switched from %(old)s to %(new)s as scheduled.",
                    old=old_plan.name,
                    new=plan.name,
                )
            )

    def action_cancel_scheduled_switch(self):
        for sub in self.filtered("next_plan_id"):
            plan = sub.next_plan_id
            sub.next_plan_id = False
            sub._change_log(
                self.env._("Scheduled switch to the plan %(plan)s withdrawn.", plan=plan.name)
            )
        return True

    # ------------------------------------------------------------------
    # More or fewer products during the period
    # ------------------------------------------------------------------

    def _change_preview_lines(self, quantities, extras, refund_now=False):
        """Preview of new quantities (``{line id: qty}``) and added products
        (``{product id: qty}``): raising is billed now for the rest of the period;
        lowering applies from the next period, or is refunded now with ``refund_now``."""
        self.ensure_one()
        _ = self.env._
        self._change_check_allowed()
        lines = self.line_ids
        if set(quantities) - set(lines.ids):
            raise UserError(_("Only the lines of this subscription can be changed."))
        if any(qty < 0 for qty in [*quantities.values(), *extras.values()]):
            raise UserError(_("A quantity cannot be negative."))
        products = self.env["product.product"].browse(list(extras)).exists()
        if len(products) != len(extras):
            raise UserError(_("This product cannot be added."))
        extras = {pid: qty for pid, qty in extras.items() if qty > 0}
        changed = {
            line: quantities[line.id]
            for line in lines
            if line.id in quantities and quantities[line.id] != line.quantity
        }
        if not changed and not extras:
            raise UserError(_("Nothing was changed."))
        if all(changed.get(line, line.quantity) <= 0 for line in lines) and not extras:
            raise UserError(
                _("At least one product must stay in the subscription: cancel it instead.")
            )
        today = fields.Date.context_today(self)
        current = (
            self._change_current_period(today)
            if self.state == "active"
            else self.env["recurring.subscription.occurrence"]
        )
        charge_lines, credit_lines = [], []
        if current:
            start, end = current.period_start, current.period_end
            percent = self._get_intro_discount(start)
            label = _(
                "Prorated: %(start)s - %(end)s",
                start=format_date(self.env, today),
                end=format_date(self.env, end),
            )
            digits = self.currency_id.decimal_places
            entries = [
                (
                    line.product_id,
                    new - line.quantity,
                    *line._get_period_price(start),
                    line.tax_ids,
                    line.product_uom_id,
                    line.name or line.product_id.display_name,
                )
                for line, new in changed.items()
            ] + [
                (
                    product,
                    extras[product.id],
                    *self._change_get_product_price(product, extras[product.id], start),
                    self._change_get_product_taxes(product),
                    product.uom_id,
                    product.display_name,
                )
                for product in products.filtered(lambda p: p.id in extras)
            ]
            for product, delta, price, discount, taxes, uom, name in entries:
                if delta < 0 and not refund_now:
                    continue
                price = proration.unused_amount(price, start, end, today, digits)
                line = self._change_line(
                    product,
                    abs(delta),
                    price,
                    combine_discounts(discount, percent),
                    taxes,
                    f"{name}\n{label}",
                    uom,
                )
                (charge_lines if delta > 0 else credit_lines).append(line)
        next_date = self.next_date or self.start_date
        next_lines = self._change_next_lines(changed, extras, next_date)
        return {
            "kind": "lines",
            "date": today,
            "period_id": current.id,
            "quantities": {line.id: qty for line, qty in changed.items()},
            "extras": extras,
            "refund_now": refund_now,
            "charge_lines": charge_lines,
            "credit_lines": credit_lines,
            "next_date": next_date,
            "next_lines": next_lines,
            **self._change_totals(charge_lines, credit_lines, next_lines),
        }

    def _change_next_lines(self, changed, extras, date):
        """The renewal lines of the period starting on ``date`` after a change."""
        percent = self._get_intro_discount(date)
        result = []
        for line in self.line_ids:
            quantity = changed.get(line, line.quantity)
            if quantity <= 0:
                continue
            if line.price_mode == "fixed":
                price, discount = line.price_unit, line.discount
            else:
                price, discount = self._change_get_product_price(
                    line.product_id, quantity, date, uom=line.product_uom_id
                )
            result.append(
                self._change_line(
                    line.product_id,
                    quantity,
                    price,
                    combine_discounts(discount, percent),
                    line.tax_ids,
                    line.name or line.product_id.display_name,
                    line.product_uom_id,
                )
            )
        for product in self.env["product.product"].browse(list(extras)):
            price, discount = self._change_get_product_price(product, extras[product.id], date)
            result.append(
                self._change_line(
                    product,
                    extras[product.id],
                    price,
                    combine_discounts(discount, percent),
                    self._change_get_product_taxes(product),
                    product.display_name,
                )
            )
        return result

    def action_change_lines(self, quantities, extras=None, refund_now=False):
        """Back office: new quantities and products (see ``_change_preview_lines``)."""
        self.ensure_one()
        preview = self._change_preview_lines(quantities, extras or {}, refund_now)
        message = self._change_apply_lines(preview)
        self._change_log(message)
        return message

    def _change_apply_lines(self, preview):
        self.ensure_one()
        _ = self.env._
        current = self.env["recurring.subscription.occurrence"].browse(preview["period_id"])
        commands = [
            Command.update(line_id, {"quantity": qty})
            for line_id, qty in preview["quantities"].items()
        ] + [
            Command.create({"product_id": pid, "quantity": qty})
            for pid, qty in preview["extras"].items()
        ]
        self.write({"line_ids": commands})
        documents = self._change_create_documents(preview["charge_lines"])
        credit_note = self._change_create_credit_note(preview["credit_lines"], current)
        if credit_note and current.invoice_id:
            self._change_reconcile(credit_note, current.invoice_id)
        self._change_collect(documents)
        parts = [
            _(
                "Lines changed; the next renewal on %(date)s will be %(amount)s.",
                date=format_date(self.env, preview["next_date"]),
                amount=self.currency_id.format(preview["next_total"]),
            )
        ]
        if documents:
            parts.append(
                _(
                    "%(amount)s billed now for the rest of the period.",
                    amount=self.currency_id.format(preview["charge_total"]),
                )
            )
        if credit_note:
            parts.append(
                _(
                    "%(amount)s refunded for the rest of the period.",
                    amount=self.currency_id.format(preview["credit_total"]),
                )
            )
        return " ".join(parts)

    # ------------------------------------------------------------------
    # Pause until a date
    # ------------------------------------------------------------------

    def _change_check_pause_until(self, resume_date):
        self.ensure_one()
        _ = self.env._
        today = fields.Date.context_today(self)
        if not resume_date or resume_date <= today:
            raise UserError(_("Choose a resume date after today."))
        max_days = self.plan_id.max_pause_days
        if max_days and (resume_date - today).days > max_days:
            raise UserError(
                _(
                    "A pause lasts at most %(days)s days: resume on %(date)s at the latest.",
                    days=max_days,
                    date=format_date(self.env, today + timedelta(days=max_days)),
                )
            )
        if self.cancel_at_period_end:
            raise UserError(_("A cancellation is scheduled: a pause is not needed."))
        if self.state not in ("trial", "active", "paused"):
            raise UserError(_("Only a running subscription can be paused."))

    def _change_pause_until(self, resume_date):
        self.ensure_one()
        self._change_check_pause_until(resume_date)
        if self.state != "paused":
            self.action_pause()
        self.pause_until = resume_date
        return self.env._(
            "Subscription paused until %(date)s: deliveries resume on that day.",
            date=format_date(self.env, resume_date),
        )

    def action_pause_until(self, resume_date):
        self.ensure_one()
        message = self._change_pause_until(fields.Date.to_date(resume_date))
        self._change_log(message)
        return message

    def action_pause(self):
        result = super().action_pause()
        self.filtered("pause_until").pause_until = False
        return result

    def action_resume(self):
        result = super().action_resume()
        self.filtered("pause_until").pause_until = False
        return result

    @api.model
    def _process_lifecycle(self, today, ids=None):
        """Also resume the pauses that end today and apply the switches scheduled."""
        domain = [("state", "=", "paused"), ("pause_until", "<=", today)]
        if ids is not None:
            domain.append(("id", "in", ids))
        for sub in self.search(domain):
            sub.action_resume()
            sub._change_log(self.env._("Pause over: subscription resumed as planned."))
        self._apply_scheduled_switches(today, ids)
        return super()._process_lifecycle(today, ids=ids)
