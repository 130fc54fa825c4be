from odoo import fields, models

from odoo.addons.recurring_subscriptions.utils import periods


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _get_recurring_shop_summary(self):
        """The schedule of the subscription this line will create, as the shop shows it.

        Dates follow ``recurring.subscription._start``: the first period starts on the
        chosen start date (today by default); a trial moves the first payment to its
        end; the period paid by this order is followed by the next payment one
        interval later.

        :return: dict with ``plan``, ``label`` ("every 2 weeks"), ``start_date``,
            ``trial_end`` (or False), ``next_date`` (first payment after today's),
            ``end_date`` (or False), ``due_today`` (whether this order charges the first
            period) and ``period_amount`` (one period, with or without taxes as the
            website shows prices) and ``tax_label`` (which of the two)
        """
        self.ensure_one()
        plan = self.recurring_plan_id
        start = self.recurring_start_date or fields.Date.context_today(self)
        has_trial = self._has_recurring_trial()
        trial_end = (
            periods.trial_end(start, plan.trial_unit, plan.trial_interval) if has_trial else False
        )
        anchor = trial_end or start
        unit, interval = plan.billing_unit, plan.billing_interval
        count = self.recurring_period_count or (
            plan.duration_count if plan.duration_type == "limited" else 0
        )
        end_date = self.recurring_end_date or (
            count and periods.end_after_periods(anchor, unit, interval, count)
        )
        unit_price = self.recurring_price_unit * (1.0 - (self.discount or 0.0) / 100.0)
        taxes = self.tax_id.compute_all(
            unit_price,
            self.currency_id,
            self.product_uom_qty,
            self.product_id,
            self.order_partner_id,
        )
        tax_display = self.order_id.website_id.show_line_subtotals_tax_selection
        return {
            "plan": plan,
            "label": plan.recurrence_label,
            "start_date": start,
            "trial_end": trial_end,
            "next_date": (
                anchor
                if self.recurring_deferred
                else periods.period_start(anchor, unit, interval, 1)
            ),
            "end_date": end_date or False,
            "due_today": not self.recurring_deferred,
            "period_amount": taxes[
                "total_included" if tax_display == "tax_included" else "total_excluded"
            ],
            "trial_used": bool(plan.trial_interval) and not has_trial,
            "tax_label": (
                self.env._("tax incl.")
                if tax_display == "tax_included"
                else self.env._("tax excl.")
            ),
        }
