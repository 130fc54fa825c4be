from markupsafe import escape

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, formatLang, is_html_empty


class SaleOrder(models.Model):
    _inherit = "sale.order"

    recurring_terms_accepted_date = fields.Datetime(
        string="Plan Terms Accepted On",
        readonly=True,
        copy=False,
        help="When the customer accepted the terms and conditions of the plans of this "
        "order, before paying it in the shop.",
    )

    def _cart_find_product_line(self, product_id, line_id=None, **kwargs):
        """Override of `website_sale`: one cart line per plan and schedule.

        The same recurring product bought with two plans (or two start dates) makes two
        lines, and so two subscriptions.
        """
        lines = super()._cart_find_product_line(product_id, line_id=line_id, **kwargs)
        if line_id or not lines:
            return lines
        values = self._get_recurring_cart_line_values(product_id, **kwargs)
        if not values:
            return lines
        key = (
            values["recurring_plan_id"],
            values["recurring_start_date"],
            values["recurring_end_date"],
            values["recurring_period_count"],
        )
        return lines.filtered(lambda line: line._get_recurring_subscription_key() == key)

    def _prepare_order_line_values(self, product_id, quantity, **kwargs):
        """Override of `website_sale`: a new cart line keeps the plan and dates chosen."""
        values = super()._prepare_order_line_values(product_id, quantity, **kwargs)
        values.update(self._get_recurring_cart_line_values(values["product_id"], **kwargs))
        return values

    def _get_recurring_cart_line_values(
        self,
        product_id,
        recurring_plan_id=None,
        recurring_start_date=None,
        recurring_end_date=None,
        recurring_period_count=None,
        **kwargs,
    ):
        """The subscription options of a cart line, as posted by the product page.

        The shop posts them as text. A product that is not recurring ignores them (the
        product configurator posts the main product's options with its optional
        products); without a plan, the product's first plan is used, as on a
        back-office order line.

        :return: the ``sale.order.line`` values, or {} for a product that is not recurring
        :raise UserError: a plan that the product does not offer, a malformed date or
            number, a start in the past, an end before the start, or an end on a plan
            with a fixed number of periods
        """
        self.ensure_one()
        template = self.env["product.product"].browse(product_id).product_tmpl_id
        if not template.recurring_ok:
            return {}
        _ = self.env._
        plans = template.sudo().recurring_product_plan_ids.plan_id.filtered("active")
        plan = plans[:1]
        if recurring_plan_id:
            plan = plans.filtered(lambda p: str(p.id) == str(recurring_plan_id).strip())
            if not plan:
                raise _option_error(
                    _(
                        "This plan is not available for %(product)s.",
                        product=template.display_name,
                    ),
                    "recurring_plan_id",
                )
        plan_words = plan._get_period_word_plural()
        start = self._parse_recurring_cart_date(recurring_start_date, "recurring_start_date")
        end = self._parse_recurring_cart_date(recurring_end_date, "recurring_end_date")
        try:
            count = int(recurring_period_count or 0)
        except (TypeError, ValueError):
            raise _option_error(
                _("The number of %(periods)s must be a whole number.", periods=plan_words),
                "recurring_period_count",
            ) from None
        today = fields.Date.context_today(self)
        if start and start < today:
            raise _option_error(
                _(
                    "A subscription cannot start in the past: choose %(today)s or later.",
                    today=format_date(self.env, today),
                ),
                "recurring_start_date",
            )
        if start == today:
            start = False  # the default: it starts when the order is confirmed
        if count < 0:
            raise _option_error(
                _("The number of %(periods)s cannot be negative.", periods=plan_words),
                "recurring_period_count",
            )
        if (end or count) and plan.duration_type == "limited":
            raise _option_error(
                _(
                    "The plan %(plan)s lasts %(count)s periods: it cannot end on another date.",
                    plan=plan.name,
                    count=plan.duration_count,
                ),
                "recurring_end_mode",
            )
        if end and count:
            raise _option_error(
                _("Choose an end date or a number of %(periods)s, not both.", periods=plan_words),
                "recurring_end_mode",
            )
        if end and end < (start or today):
            raise _option_error(
                _("A subscription cannot end before it starts."), "recurring_end_date"
            )
        return {
            "recurring_plan_id": plan.id,
            "recurring_start_date": start or False,
            "recurring_end_date": end or False,
            "recurring_period_count": count,
        }

    def _parse_recurring_cart_date(self, value, field=None):
        if not value:
            return False
        try:
            return fields.Date.to_date(str(value).strip())
        except ValueError:
            raise _option_error(
                self.env._("%(value)s is not a valid date.", value=value), field
            ) from None

    def _check_cart_is_ready_to_be_paid(self):
        """Override of `website_sale`: a start date chosen days ago may have passed."""
        result = super()._check_cart_is_ready_to_be_paid()
        today = fields.Date.context_today(self)
        late = self.order_line.filtered(
            lambda l: (
                l.recurring_plan_id and l.recurring_start_date and l.recurring_start_date < today
            )
        )
        if late:
            raise ValidationError(
                self.env._(
                    "The start date of %(product)s has passed: please add it to your cart again.",
                    product=late[:1].product_id.display_name,
                )
            )
        return result

    def _get_recurring_shop_summaries(self):
        """One summary per subscription this cart will create, for the shop's totals.

        Lines are grouped as `_create_recurring_subscriptions` groups them; each summary
        is the first line's (see `sale.order.line._get_recurring_shop_summary`) with
        ``lines`` and the ``period_amount`` of all of them.
        """
        self.ensure_one()
        lines = self.order_line.filtered(lambda l: l.recurring_plan_id and not l.display_type)
        summaries = []
        for group in lines.grouped(lambda l: l._get_recurring_subscription_key()).values():
            line_summaries = [line._get_recurring_shop_summary() for line in group]
            summaries.append(
                {
                    **line_summaries[0],
                    "lines": group,
                    "period_amount": sum(s["period_amount"] for s in line_summaries),
                }
            )
        return summaries

    def _get_recurring_card_consent(self):
        """What the customer agrees to by saving a card at checkout, one sentence per
        subscription: the amount, how often, the first charge date; then how to cancel.

        :return: list of sentences (empty for a cart without subscriptions)
        """
        self.ensure_one()
        _ = self.env._
        sentences = []
        for summary in self._get_recurring_shop_summaries():
            values = {
                "plan": summary["plan"].name,
                "amount": formatLang(
                    self.env, summary["period_amount"], currency_obj=self.currency_id
                ),
                "tax": summary["tax_label"],
                "frequency": summary["label"],
                "date": format_date(self.env, summary["next_date"]),
            }
            if summary["due_today"]:
                sentences.append(
                    _(
                        "%(plan)s: the first period is paid today; your card is then charged "
                        "%(amount)s (%(tax)s) %(frequency)s, first on %(date)s.",
                        **values,
                    )
                )
            else:
                sentences.append(
                    _(
                        "%(plan)s: nothing is charged today; your card is charged %(amount)s "
                        "(%(tax)s) %(frequency)s, first on %(date)s.",
                        **values,
                    )
                )
        if sentences:
            sentences.append(
                _(
                    "Your card is saved and charged automatically on each renewal until you "
                    "cancel. You can cancel at any time in My Account, Subscriptions."
                )
            )
        return sentences

    def _recurring_needs_card_validation(self):
        """Nothing is due today (free trials, later starts), yet the subscriptions need a
        saved card: the shop saves it with a validation transaction (a Stripe
        SetupIntent) instead of confirming the order without payment."""
        self.ensure_one()
        return bool(
            self.has_recurring_lines
            and not self.recurring_subscription_id
            and self.currency_id.is_zero(self.amount_total)
        )

    def _check_recurring_payment_option(self, provider_sudo, payment_method_sudo, flow):
        """The payment of an order with subscriptions must save the card (the payment
        form only offers such methods; this refuses the others posted by hand).

        :raise ValidationError: the provider or the method cannot save a card
        """
        self.ensure_one()
        if flow == "token":  # a saved card already
            return
        if not (provider_sudo.allow_tokenization and payment_method_sudo.support_tokenization):
            raise ValidationError(
                self.env._(
                    "%(method)s cannot be saved to pay your subscription: "
                    "please choose another payment method.",
                    method=payment_method_sudo.name or provider_sudo.name,
                )
            )

    def _get_recurring_terms_plans(self):
        """The plans of this order whose terms the customer accepts before paying."""
        self.ensure_one()
        return self.order_line.recurring_plan_id.filtered(lambda p: not is_html_empty(p.terms))

    def _recurring_accept_terms(self, accepted):
        """Record that the customer accepted the plans' terms while paying in the shop.

        :param bool accepted: whether the customer ticked the terms checkbox
        :raise ValidationError: the order has plans with terms that are not accepted
        """
        self.ensure_one()
        if not self._get_recurring_terms_plans():
            return
        if not accepted:
            raise ValidationError(
                self.env._("Please accept the terms and conditions of your subscription.")
            )
        self.recurring_terms_accepted_date = fields.Datetime.now()

    def _prepare_recurring_subscription_values(self, plan, lines):
        """Override of `recurring_subscriptions`: the subscription keeps the terms
        acceptance recorded at checkout."""
        values = super()._prepare_recurring_subscription_values(plan, lines)
        values.update(self._prepare_recurring_terms_values(plan))
        return values

    def _prepare_recurring_terms_values(self, plan):
        """The terms acceptance that a subscription created by this order inherits."""
        self.ensure_one()
        if not self.recurring_terms_accepted_date or is_html_empty(plan.terms):
            return {}
        return {
            "terms_accepted_date": self.recurring_terms_accepted_date,
            "terms_accepted_partner_id": self.partner_id.id,
        }

    def _send_order_notification_mail(self, mail_template):
        """Override of `sale`: the confirmation email lists the subscriptions created."""
        if (
            mail_template
            and self.recurring_source_subscription_ids
            and mail_template == self._get_confirmation_template()
        ):
            order = self.with_context(recurring_email_subscriptions=True)
        else:
            order = self
        return super(SaleOrder, order)._send_order_notification_mail(mail_template)

    def message_post(self, **kwargs):
        """Append the subscriptions section to the order confirmation email."""
        if self.env.context.get("recurring_email_subscriptions") and len(self) == 1:
            section = self.env["ir.qweb"]._render(
                "website_sale_recurring_subscriptions.sale_order_email_subscriptions",
                {"order": self, "subscriptions": self.sudo().recurring_source_subscription_ids},
            )
            kwargs["body"] = escape(kwargs.get("body") or "") + section
        return super().message_post(**kwargs)


def _option_error(message, field):
    """A refused subscription option of the product page; ``recurring_field`` names the
    input the customer should correct (the shop shows the message next to it)."""
    error = UserError(message)
    error.recurring_field = field
    return error
