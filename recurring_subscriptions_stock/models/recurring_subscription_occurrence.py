from markupsafe import Markup

from odoo import models
from odoo.tools import float_compare, float_is_zero


class RecurringSubscriptionOccurrence(models.Model):
    """Renewal orders capped to the stock that can be promised.

    Before a batch of renewal orders is made, the subscribed quantities of storable
    products are matched against the free quantity of each order's warehouse, earliest
    subscription first (start date, then id), so competing subscriptions share the stock
    in a stable order. The result reaches ``_prepare_line_values`` through the context;
    a reduced or left-out line is told on the order (a note line, read by the customer
    in the order email and portal), logged on the subscription and listed in the digest.
    """

    _inherit = "recurring.subscription.occurrence"

    def _generate_documents(self):
        caps = self._get_stock_caps()
        if not caps:
            return super()._generate_documents()
        occurrences = self.with_context(recurring_stock_caps=tuple(caps.items()))
        result = super(RecurringSubscriptionOccurrence, occurrences)._generate_documents()
        occurrences._log_stock_adjustments()
        return result

    def _get_stock_warehouse(self):
        self.ensure_one()
        sub = self.subscription_id
        return sub.user_id.with_company(sub.company_id)._get_default_warehouse_id() or self.env[
            "stock.warehouse"
        ].search([("company_id", "=", sub.company_id.id)], limit=1)

    def _get_stock_caps(self):
        """Quantity allowed for each subscription line of these periods, where stock limits it.

        :return: {"<occurrence id>-<subscription line id>": allowed quantity (line unit)}
        """
        todo = self.filtered(
            lambda o: (
                o.state in ("planned", "failed")
                and not o.order_ids
                and not o.invoice_ids
                and o.subscription_id.plan_id.create_order
                and o.subscription_id.plan_id.stock_policy != "ignore"
            )
        ).sorted(lambda o: (o.subscription_id.start_date, o.subscription_id.id, o.period_start))
        caps = {}
        available = {}
        for occurrence in todo:
            policy = occurrence.subscription_id.plan_id.stock_policy
            warehouse = occurrence._get_stock_warehouse()
            for line in occurrence.subscription_id.line_ids:
                product = line.product_id
                if line.quantity <= 0 or not product.is_storable:
                    continue
                key = (product.id, warehouse.id)
                if key not in available:
                    available[key] = product.with_context(warehouse_id=warehouse.id).free_qty
                rounding = product.uom_id.rounding
                wanted = line.product_uom_id._compute_quantity(line.quantity, product.uom_id)
                free = max(available[key], 0.0)
                if float_compare(wanted, free, precision_rounding=rounding) <= 0:
                    available[key] -= wanted
                    continue
                given = 0.0 if policy == "skip" else free
                available[key] -= given
                caps[f"{occurrence.id}-{line.id}"] = product.uom_id._compute_quantity(
                    given, line.product_uom_id, rounding_method="DOWN"
                )
        return caps

    def _prepare_line_values(self, for_invoice):
        result = super()._prepare_line_values(for_invoice)
        caps = dict(self.env.context.get("recurring_stock_caps") or ())
        if for_invoice or not caps:
            return result
        # The parent makes one value dict per subscription line with a quantity, in order.
        lines = [line for line in self.subscription_id.line_ids if line.quantity > 0]
        adjusted, notes = [], []
        for line, vals in zip(lines, result, strict=True):
            allowed = caps.get(f"{self.id}-{line.id}")
            if allowed is None:
                adjusted.append(vals)
                continue
            unit = line.product_uom_id.name
            if float_is_zero(allowed, precision_rounding=line.product_uom_id.rounding):
                notes.append(
                    self.env._(
                        "%(product)s: out of stock, not delivered this time "
                        "(%(qty)s %(unit)s subscribed).",
                        product=line.product_id.display_name,
                        qty=line.quantity,
                        unit=unit,
                    )
                )
                continue
            vals.update(product_uom_qty=allowed, recurring_requested_qty=line.quantity)
            adjusted.append(vals)
            notes.append(
                self.env._(
                    "%(product)s: only %(qty)s %(unit)s in stock, %(requested)s subscribed.",
                    product=line.product_id.display_name,
                    qty=allowed,
                    unit=unit,
                    requested=line.quantity,
                )
            )
        adjusted += [{"display_type": "line_note", "name": note} for note in notes]
        return adjusted

    def _log_stock_adjustments(self):
        """Log the reduced or left-out lines on each subscription (digest: stock)."""
        caps = dict(self.env.context.get("recurring_stock_caps") or ())
        events = []
        for occurrence in self:
            order = occurrence.order_ids[:1]
            if not order or not any(k.startswith(f"{occurrence.id}-") for k in caps):
                continue
            notes = order.order_line.filtered(lambda l: l.display_type == "line_note")
            message = self.env._(
                "Order %(order)s reduced to the stock: %(notes)s",
                order=order.name,
                notes=" ".join(notes.mapped("name")),
            )
            events.append(
                dict(
                    occurrence.subscription_id._prepare_event_values(
                        "info", message[:500], occurrence=occurrence, document=order
                    ),
                    digest_category="stock",
                )
            )
            occurrence.subscription_id.message_post(
                body=Markup("<p>%s</p>") % message, subtype_xmlid="mail.mt_note"
            )
        self.subscription_id._log_events(events)
