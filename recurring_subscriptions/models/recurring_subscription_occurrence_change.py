from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import format_date


def combine_discounts(first, second):
    """One discount (%) worth ``first`` then ``second`` applied on top."""
    return 100.0 * (1.0 - (1.0 - (first or 0.0) / 100.0) * (1.0 - (second or 0.0) / 100.0))


class RecurringSubscriptionOccurrence(models.Model):
    """One-off changes of a coming period, and the introductory discount of renewals."""

    _inherit = "recurring.subscription.occurrence"

    override_line_ids = fields.One2many(
        "recurring.subscription.occurrence.line", "occurrence_id", string="One-off Changes"
    )
    # A stored flag read with the row: renewals without one-off changes make no extra query.
    has_override = fields.Boolean(string="Changed Once", readonly=True, copy=False)

    def _prepare_line_values(self, for_invoice):
        """Renewal lines: the one-off changes of this period when there are, and the
        introductory discount while it lasts."""
        if self.has_override:
            quantities, extras = self._get_override_values()
            result = self._prepare_override_line_values(for_invoice, quantities, extras)
        else:
            result = super()._prepare_line_values(for_invoice)
        percent = self.subscription_id._get_intro_discount(self.period_start)
        if percent:
            for vals in result:
                vals["discount"] = combine_discounts(vals["discount"], percent)
        return result

    def _get_override_values(self):
        """({subscription line id: quantity}, {product id: quantity}) of this period."""
        self.ensure_one()
        quantities, extras = {}, {}
        for line in self.override_line_ids:
            if line.subscription_line_id:
                quantities[line.subscription_line_id.id] = line.quantity
            else:
                extras[line.product_id.id] = line.quantity
        return quantities, extras

    def _prepare_override_line_values(self, for_invoice, quantities, extras):
        """The renewal lines of this period with one-off quantities and extra products.

        The same function prices the preview of a one-off change and the renewal
        that bills it.
        """
        self.ensure_one()
        sub = self.subscription_id
        result = []
        entries = [
            (line.product_id, quantities.get(line.id, line.quantity), line) for line in sub.line_ids
        ]
        products = self.env["product.product"].browse(list(extras))
        entries += [(product, extras[product.id], None) for product in products]
        for product, quantity, line in entries:
            if quantity <= 0:
                continue
            if line:
                price, discount = line._get_period_price(self.period_start)
                name = line._get_period_description(self.period_start, self.period_end)
                uom, taxes = line.product_uom_id, line.tax_ids
            else:
                price, discount = sub._change_get_product_price(
                    product, quantity, self.period_start
                )
                name = self.env._(
                    "%(name)s\nThis delivery only: %(start)s - %(end)s",
                    name=product.get_product_multiline_description_sale(),
                    start=format_date(self.env, self.period_start),
                    end=format_date(self.env, self.period_end),
                )
                uom, taxes = product.uom_id, sub._change_get_product_taxes(product)
            vals = {"product_id": product.id, "name": name, "discount": discount}
            if for_invoice:
                vals.update(
                    quantity=quantity,
                    product_uom_id=uom.id,
                    price_unit=price,
                    tax_ids=[Command.set(taxes.ids)],
                )
            else:
                vals.update(
                    product_uom_qty=quantity,
                    product_uom=uom.id,
                    price_unit=price,
                    tax_id=[Command.set(taxes.ids)],
                    recurring_plan_id=sub.plan_id.id if product.recurring_ok else False,
                )
            result.append(vals)
        return result

    # ------------------------------------------------------------------
    # One-off changes
    # ------------------------------------------------------------------

    def _check_can_override(self):
        self.ensure_one()
        sub = self.subscription_id
        if self.state != "planned" or self.order_ids or self.invoice_ids:
            raise UserError(self.env._("Only a coming, planned delivery can be changed once."))
        if sub.next_date and self.period_start < sub.next_date:
            raise UserError(self.env._("This delivery is already under way."))
        sub._change_check_allowed()

    def _normalize_override(self, quantities, extras):
        """Validated ({line id: qty}, {product id: qty}) keeping only real changes."""
        self.ensure_one()
        sub = self.subscription_id
        _ = self.env._
        lines = sub.line_ids
        if set(quantities) - set(lines.ids):
            raise UserError(_("Only the lines of this subscription can be changed."))
        values = list(quantities.values()) + list(extras.values())
        if any(quantity < 0 for quantity in values):
            raise UserError(_("A quantity cannot be negative."))
        quantities = {
            line.id: quantities[line.id]
            for line in lines
            if line.id in quantities and quantities[line.id] != line.quantity
        }
        extras = {pid: qty for pid, qty in extras.items() if qty > 0}
        products = self.env["product.product"].browse(list(extras)).exists()
        if len(products) != len(extras):
            raise UserError(_("This product cannot be added."))
        return quantities, extras

    def _change_preview_override(self, quantities, extras):
        """Preview of a one-off change: the lines and amount of this period's renewal."""
        self.ensure_one()
        self._check_can_override()
        quantities, extras = self._normalize_override(quantities, extras)
        vals_list = self._prepare_override_line_values(True, quantities, extras)
        percent = self.subscription_id._get_intro_discount(self.period_start)
        if percent:
            for vals in vals_list:
                vals["discount"] = combine_discounts(vals["discount"], percent)
        sub = self.subscription_id
        lines = [sub._change_line_from_invoice_vals(vals) for vals in vals_list]
        return {
            "kind": "period",
            "occurrence_id": self.id,
            "quantities": quantities,
            "extras": extras,
            "charge_lines": [],
            "credit_lines": [],
            "next_date": self.period_start,
            "next_lines": lines,
            **sub._change_totals([], [], lines),
        }

    def _change_apply_override(self, quantities, extras):
        """Store a one-off change of this coming delivery; returns (preview, message)."""
        self.ensure_one()
        preview = self._change_preview_override(quantities, extras)
        if not preview["next_lines"]:
            raise UserError(self.env._("Nothing would be delivered: skip the delivery instead."))
        sub = self.subscription_id
        line_products = {line.id: line.product_id.id for line in sub.line_ids}
        self.override_line_ids.unlink()
        self.write(
            {
                "override_line_ids": [
                    Command.create(
                        {
                            "subscription_line_id": line_id,
                            "product_id": line_products[line_id],
                            "quantity": qty,
                        }
                    )
                    for line_id, qty in preview["quantities"].items()
                ]
                + [
                    Command.create({"product_id": product_id, "quantity": qty})
                    for product_id, qty in preview["extras"].items()
                ],
                "has_override": bool(preview["quantities"] or preview["extras"]),
            }
        )
        message = self.env._(
            "Delivery of %(date)s changed for that delivery only: %(amount)s.",
            date=format_date(self.env, self.period_start),
            amount=sub.currency_id.format(preview["next_total"]),
        )
        return preview, message

    def action_set_override(self, quantities, extras):
        """Back office: change this coming delivery only. ``quantities``: {subscription
        line id: quantity}; ``extras``: {product id: quantity} added to it."""
        self.ensure_one()
        preview, message = self._change_apply_override(quantities, extras)
        self.subscription_id._change_log(message, occurrence=self)
        return preview

    def action_clear_override(self):
        for occurrence in self:
            occurrence._check_can_override()
            occurrence.override_line_ids.unlink()
            occurrence.has_override = False
            occurrence.subscription_id._change_log(
                self.env._(
                    "One-off changes of the delivery of %(date)s removed.",
                    date=format_date(self.env, occurrence.period_start),
                ),
                occurrence=occurrence,
            )
        return True
