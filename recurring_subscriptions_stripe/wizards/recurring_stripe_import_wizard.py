import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import float_compare

from odoo.addons.payment import utils as payment_utils

from ..utils import stripe_catalog

try:
    import stripe
except ImportError:  # only this wizard needs the SDK: shops without Stripe do without it
    stripe = None

_logger = logging.getLogger(__name__)


class RecurringStripeImportWizard(models.TransientModel):
    """Import the recurring products and plans of a Stripe account.

    Each active Stripe product that has at least one active plan becomes a
    recurring product; each of its plans becomes a row "plan + fixed price per
    period" on that product, on an existing recurring plan with the same
    recurrence and trial (plans charging the saved card first) or on a new one.
    The Stripe ids are stored, so running the import again updates what it made.

    Plans that cannot be a fixed price in the company currency are skipped and
    listed in the result, the rest is imported: a plan in another currency,
    metered, tiered or free plans, and a second plan of a product with the same
    recurrence as one already imported for it.
    """

    _name = "recurring.stripe.import.wizard"
    _description = "Import Recurring Products from Stripe"

    provider_id = fields.Many2one(
        "payment.provider",
        string="Stripe Account",
        required=True,
        domain="[('code', '=', 'stripe')]",
        default=lambda self: self._default_provider_id(),
        help="The Stripe payment provider whose secret key is used to read the catalog.",
    )
    company_id = fields.Many2one(related="provider_id.company_id")
    currency_id = fields.Many2one(
        related="provider_id.company_id.currency_id",
        string="Currency",
        help="Only Stripe plans in this currency are imported.",
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    result_message = fields.Text(string="Result", readonly=True)
    product_tmpl_ids = fields.Many2many(
        "product.template", string="Imported Products", readonly=True
    )

    @api.model
    def _default_provider_id(self):
        return self.env["payment.provider"].search(
            [("code", "=", "stripe"), ("company_id", "=", self.env.company.id)],
            order="state desc, id",  # test and enabled before disabled
            limit=1,
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_import(self):
        self.ensure_one()
        stripe_products, stripe_plans = self._stripe_fetch_catalog()
        report = _ImportReport(self.env)
        self._import_catalog(stripe_products, stripe_plans, report)
        self.write(
            {
                "state": "done",
                "created_count": report.counts["created"],
                "updated_count": report.counts["updated"],
                "unchanged_count": report.counts["unchanged"],
                "skipped_count": report.counts["skipped"],
                "result_message": "\n".join(report.lines)
                or self.env._("The Stripe account has no active product."),
                "product_tmpl_ids": [Command.set(report.templates.ids)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import from Stripe"),
        }

    def action_view_products(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "product.template",
            "name": self.env._("Imported Products"),
            "view_mode": "list,form",
            "domain": [("id", "in", self.product_tmpl_ids.ids)],
            "context": {"active_test": False},
        }

    # ------------------------------------------------------------------
    # Stripe
    # ------------------------------------------------------------------

    def _stripe_fetch_catalog(self):
        """Read the active products and plans of the Stripe account with the SDK.

        The SDK talks to ``stripe.api_base`` (Stripe, or a fake server in tests).

        :return: (products, plans), as lists of plain dicts
        """
        self.ensure_one()
        if stripe is None:
            raise UserError(
                self.env._("The Python package 'stripe' is needed to import from Stripe.")
            )
        provider_sudo = self.provider_id.sudo()
        if provider_sudo.code != "stripe" or not provider_sudo.stripe_secret_key:
            raise UserError(
                self.env._(
                    "Set the secret key of the Stripe provider %(provider)s first.",
                    provider=provider_sudo.name,
                )
            )
        api_key = provider_sudo.stripe_secret_key
        try:
            products = [
                product.to_dict()
                for product in stripe.Product.list(
                    api_key=api_key, active=True, limit=100
                ).auto_paging_iter()
            ]
            plans = [
                plan.to_dict()
                for plan in stripe.Plan.list(
                    api_key=api_key, active=True, limit=100
                ).auto_paging_iter()
            ]
        except stripe.StripeError as error:
            _logger.warning("Stripe catalog import failed: %s", error)
            raise UserError(
                self.env._(
                    "Stripe could not be read: %(error)s",
                    error=error.user_message or str(error),
                )
            ) from error
        return products, plans

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    def _import_catalog(self, stripe_products, stripe_plans, report):
        """Create or update the recurring products and plans of a Stripe catalog."""
        self.ensure_one()
        plans_by_product = stripe_catalog.plans_by_product(stripe_plans)
        Template = self.env["product.template"].with_context(active_test=False)
        templates = Template.search(
            [
                ("stripe_product_id", "in", [p["id"] for p in stripe_products]),
                ("company_id", "in", [False, self.company_id.id]),
            ]
        )
        template_by_stripe_id = {t.stripe_product_id: t for t in templates}
        for stripe_product in sorted(stripe_products, key=lambda p: p["id"]):
            importable = []
            for stripe_plan in plans_by_product.get(stripe_product["id"], []):
                reason = self._get_plan_skip_reason(stripe_plan)
                if reason:
                    report.add(
                        "skipped",
                        self.env._(
                            "Skipped plan %(plan)s of %(product)s: %(reason)s",
                            plan=_plan_label(stripe_plan),
                            product=stripe_product["name"],
                            reason=reason,
                        ),
                    )
                else:
                    importable.append(stripe_plan)
            template = template_by_stripe_id.get(stripe_product["id"])
            if template:
                self._update_product(template, stripe_product, importable, report)
            elif importable:
                self._create_product(stripe_product, importable, report)
            else:
                report.add(
                    "skipped",
                    self.env._(
                        "Skipped product %(product)s (%(id)s): no active recurring plan "
                        "that can be imported.",
                        product=stripe_product["name"],
                        id=stripe_product["id"],
                    ),
                )

    def _get_plan_skip_reason(self, stripe_plan):
        """Why this Stripe plan cannot be imported, in words, or None."""
        currency = self.currency_id
        if (stripe_plan.get("currency") or "").upper() != currency.name:
            return self.env._(
                "its currency %(plan_currency)s is not the company currency %(currency)s.",
                plan_currency=(stripe_plan.get("currency") or "").upper(),
                currency=currency.name,
            )
        reason = stripe_catalog.unsupported_reason(stripe_plan)
        return {
            None: None,
            stripe_catalog.SKIP_METERED: self.env._("metered usage has no fixed price."),
            stripe_catalog.SKIP_TIERED: self.env._("tiered pricing has no fixed price."),
            stripe_catalog.SKIP_TRANSFORMED: self.env._(
                "transformed quantities are not supported."
            ),
            stripe_catalog.SKIP_INTERVAL: self.env._("its billing interval is not supported."),
            stripe_catalog.SKIP_FREE: self.env._(
                "a free plan has no price to import; set the product price in Odoo."
            ),
        }[reason]

    def _prepare_product_values(self, stripe_product):
        return {
            "name": stripe_product["name"],
            "description_sale": stripe_product.get("description") or False,
        }

    def _prepare_product_plan_values(self, stripe_plan):
        return {
            "plan_id": self._get_or_create_plan(stripe_plan).id,
            "fixed_price": payment_utils.to_major_currency_units(
                int(stripe_plan["amount"]), self.currency_id
            ),
            "stripe_plan_id": stripe_plan["id"],
        }

    def _create_product(self, stripe_product, stripe_plans, report):
        rows = []
        for stripe_plan in stripe_plans:
            row_vals = self._prepare_product_plan_values(stripe_plan)
            if any(vals["plan_id"] == row_vals["plan_id"] for vals in rows):
                report.add("skipped", self._same_frequency_message(stripe_plan, stripe_product))
                continue
            rows.append(row_vals)
        template = self.env["product.template"].create(
            {
                **self._prepare_product_values(stripe_product),
                "type": "consu" if stripe_product.get("type") == "good" else "service",
                "sale_ok": True,
                "purchase_ok": False,
                "recurring_ok": True,
                "company_id": self.company_id.id,
                "stripe_product_id": stripe_product["id"],
                "recurring_product_plan_ids": [Command.create(vals) for vals in rows],
            }
        )
        report.templates |= template
        report.add(
            "created",
            self.env._(
                "Created product %(product)s (%(id)s).",
                product=template.name,
                id=stripe_product["id"],
            ),
        )
        for row in template.recurring_product_plan_ids:
            report.add("created", self._row_message(row, created=True))

    def _update_product(self, template, stripe_product, stripe_plans, report):
        report.templates |= template
        changes = _changed_values(template, self._prepare_product_values(stripe_product))
        if changes:
            template.write(changes)
            report.add(
                "updated",
                self.env._(
                    "Updated product %(product)s (%(id)s).",
                    product=template.name,
                    id=stripe_product["id"],
                ),
            )
        else:
            report.add("unchanged")
        for stripe_plan in stripe_plans:
            rows = template.recurring_product_plan_ids
            row_vals = self._prepare_product_plan_values(stripe_plan)
            row = rows.filtered(lambda r, i=stripe_plan["id"]: r.stripe_plan_id == i)
            same_plan = (rows - row).filtered(lambda r, p=row_vals["plan_id"]: r.plan_id.id == p)
            if same_plan and (row or same_plan.stripe_plan_id):
                report.add("skipped", self._same_frequency_message(stripe_plan, stripe_product))
                continue
            if same_plan:
                row = same_plan  # a row added by hand for that frequency: adopt it
            if not row:
                row = self.env["recurring.product.plan"].create(
                    dict(row_vals, product_tmpl_id=template.id)
                )
                report.add("created", self._row_message(row, created=True))
                continue
            changes = _changed_values(row, row_vals)
            if changes:
                row.write(changes)
                report.add("updated", self._row_message(row, created=False))
            else:
                report.add("unchanged")

    def _get_or_create_plan(self, stripe_plan):
        """The recurring plan with the recurrence and trial of a Stripe plan.

        An active plan of the company (or shared) that renews forever with the same
        recurrence and trial is reused, plans charging the saved card first; else a
        plan charging the saved card is created.
        """
        unit, interval, trial_days = stripe_catalog.plan_terms(stripe_plan)
        domain = [
            ("billing_unit", "=", unit),
            ("billing_interval", "=", interval),
            ("duration_type", "=", "forever"),
            ("company_id", "in", [False, self.company_id.id]),
        ]
        if trial_days:
            domain += [("trial_interval", "=", trial_days), ("trial_unit", "=", "day")]
        else:
            domain += [("trial_interval", "=", 0)]
        Plan = self.env["recurring.plan"]
        plan = Plan.search([*domain, ("payment_mode", "=", "token")], limit=1) or Plan.search(
            domain, limit=1
        )
        if plan:
            return plan
        label = Plan.new({"billing_unit": unit, "billing_interval": interval})
        name = label._get_recurrence_label()
        name = name[:1].upper() + name[1:]
        if trial_days:
            name = self.env._(
                "%(recurrence)s, %(days)s-day trial", recurrence=name, days=trial_days
            )
        return Plan.create(
            {
                "name": name,
                "billing_unit": unit,
                "billing_interval": interval,
                "trial_interval": trial_days,
                "trial_unit": "day",
                "payment_mode": "token",
                "company_id": self.company_id.id,
            }
        )

    def _row_message(self, row, created):
        values = {
            "product": row.product_tmpl_id.name,
            "plan": row.plan_id.name,
            "price": row.currency_id.format(row.fixed_price),
            "id": row.stripe_plan_id,
        }
        if created:
            return self.env._(
                "Created plan %(plan)s of %(product)s at %(price)s per period (%(id)s).",
                **values,
            )
        return self.env._(
            "Updated plan %(plan)s of %(product)s: %(price)s per period (%(id)s).", **values
        )

    def _same_frequency_message(self, stripe_plan, stripe_product):
        return self.env._(
            "Skipped plan %(plan)s of %(product)s: another Stripe plan of this product "
            "already has the same recurrence and trial.",
            plan=_plan_label(stripe_plan),
            product=stripe_product["name"],
        )


class _ImportReport:
    """What an import did: one count per Stripe object, and the lines to show."""

    def __init__(self, env):
        self.counts = dict.fromkeys(("created", "updated", "unchanged", "skipped"), 0)
        self.lines = []
        self.templates = env["product.template"]

    def add(self, outcome, line=None):
        self.counts[outcome] += 1
        if line:
            self.lines.append(line)


def _plan_label(stripe_plan):
    if stripe_plan.get("nickname"):
        return f"{stripe_plan['nickname']} ({stripe_plan['id']})"
    return stripe_plan["id"]


def _changed_values(record, values):
    """The subset of ``values`` that differs from what ``record`` holds."""
    changes = {}
    for name, value in values.items():
        field = record._fields[name]
        current = record[name]
        if field.type == "many2one":
            current = current.id
        if field.type == "monetary":
            if float_compare(current, value, precision_rounding=record.currency_id.rounding):
                changes[name] = value
        elif (current or False) != (value or False):
            changes[name] = value
    return changes
