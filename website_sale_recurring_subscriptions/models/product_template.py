from odoo import models
from odoo.tools import formatLang, is_html_empty


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def _get_recurring_shop_plan_options(self, website, product=None):
        """The plans a shopper may choose on this product's page, with their prices.

        Prices are per period, in the website's currency and pricelist, with or without
        taxes as the website shows prices.

        :param website: the current ``website``
        :param product: the variant shown (default: the first one)
        :return: list of dicts with ``plan``, ``price`` (after the plan's discount),
            ``price_before_discount``, ``discount`` (%), ``currency``, ``trial_label``
            (or False) and ``terms`` (the plan's terms, or False)
        """
        self.ensure_one()
        product = product or self.product_variant_id
        currency = website.currency_id
        company = website.company_id
        product_taxes = self.sudo().taxes_id._filter_taxes_by_company(company)
        taxes = website.fiscal_position_id.sudo().map_tax(product_taxes)
        units = dict(
            self.env["recurring.plan"]._fields["trial_unit"]._description_selection(self.env)
        )
        options = []
        for row in self.sudo().recurring_product_plan_ids.filtered("plan_id.active"):
            plan = row.plan_id
            price, discount = self._get_recurring_price(
                plan,
                product=product,
                pricelist=website.pricelist_id,
                currency=currency,
                company=company,
            )
            price = self._apply_taxes_to_price(
                price, currency, product_taxes, taxes, product, website=website
            )
            trial_label = plan.trial_interval and self.env._(
                "Free trial: %(count)s %(unit)s",
                count=plan.trial_interval,
                unit=units.get(plan.trial_unit, "").lower(),
            )
            if trial_label and not plan._has_trial_for(self.env.user.partner_id):
                trial_label = self.env._("You already had the free trial of this plan.")
            options.append(
                {
                    "plan": plan,
                    "price": currency.round(price * (1.0 - discount / 100.0)),
                    "price_formatted": formatLang(
                        self.env,
                        currency.round(price * (1.0 - discount / 100.0)),
                        digits=currency.decimal_places,
                    ),
                    "price_before_discount": price,
                    "discount": discount,
                    "currency": currency,
                    "trial_label": trial_label or False,
                    "terms": False if is_html_empty(plan.terms) else plan.terms,
                }
            )
        return options

    def _get_additionnal_combination_info(self, product_or_template, quantity, date, website):
        """Override of `website_sale`: a recurring product shows the price of the plan
        chosen by default (the first one offered); the page follows the chosen plan."""
        info = super()._get_additionnal_combination_info(
            product_or_template, quantity, date, website
        )
        if self.recurring_ok:
            product = (
                product_or_template if product_or_template._name == "product.product" else None
            )
            options = self._get_recurring_shop_plan_options(website, product=product)
            if options:
                info["price"] = options[0]["price"]
                info["has_discounted_price"] = False
        return info
