from odoo import api, fields, models
from odoo.tools import format_date, formatLang


class RecurringSubscription(models.Model):
    """The recurring amount as customers read it: with or without taxes, and saying which.

    The shop follows its website's setting (``show_line_subtotals_tax_selection``);
    the portal and the emails follow the website the subscription was bought on, or
    else the company's default (``account_price_include``).
    """

    _inherit = "recurring.subscription"

    recurring_total_included = fields.Monetary(
        string="Recurring Amount (Tax Incl.)", compute="_compute_recurring_total_included"
    )

    @api.depends(
        "line_ids.quantity",
        "line_ids.price_unit",
        "line_ids.discount",
        "line_ids.tax_ids",
        "partner_id",
        "currency_id",
    )
    def _compute_recurring_total_included(self):
        for sub in self:
            total = 0.0
            for line in sub.line_ids:
                price = line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
                taxes = line.tax_ids.compute_all(
                    price, sub.currency_id, line.quantity, line.product_id, sub.partner_id
                )
                total += taxes["total_included"]
            sub.recurring_total_included = total

    def _get_tax_display(self):
        """``"tax_included"`` or ``"tax_excluded"``: how amounts are shown to the customer."""
        self.ensure_one()
        website = self.sudo().source_order_id.website_id
        if website:
            return website.show_line_subtotals_tax_selection
        return self.company_id.account_price_include or "tax_excluded"

    def _get_recurring_amount_display(self):
        """The recurring amount shown to the customer.

        :return: dict with ``amount``, ``tax_label`` ("tax incl." or "tax excl.") and
            ``text`` (the formatted amount followed by the label)
        """
        self.ensure_one()
        included = self._get_tax_display() == "tax_included"
        amount = self.recurring_total_included if included else self.recurring_total
        label = _tax_label(self.env, included)
        return {
            "amount": amount,
            "tax_label": label,
            "text": f"{formatLang(self.env, amount, currency_obj=self.currency_id)} {label}",
        }

    def _get_card_consent(self):
        """What the saved card is charged, how often, when next and how to stop it; False
        when the plan does not charge a card."""
        self.ensure_one()
        if self.payment_mode != "token" or self.state == "closed":
            return False
        display = self._get_recurring_amount_display()
        values = {
            "amount": display["text"],
            "frequency": self.recurrence_label,
        }
        if self.next_renewal_date:
            return self.env._(
                "The saved card is charged %(amount)s %(frequency)s, next on %(date)s, until "
                "you cancel. You can cancel or pick another card on this page at any time.",
                date=format_date(self.env, self.next_renewal_date),
                **values,
            )
        return self.env._(
            "The saved card is charged %(amount)s %(frequency)s while the subscription runs; "
            "no charge is planned now. You can cancel or pick another card on this page.",
            **values,
        )


def _tax_label(env, included):
    return env._("tax incl.") if included else env._("tax excl.")
