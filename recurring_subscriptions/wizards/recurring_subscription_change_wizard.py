from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class RecurringSubscriptionChangeWizard(models.TransientModel):
    """Back office: change a running subscription, with a preview of what it bills."""

    _name = "recurring.subscription.change.wizard"
    _description = "Change a Subscription"

    subscription_id = fields.Many2one("recurring.subscription", required=True, readonly=True)
    currency_id = fields.Many2one(related="subscription_id.currency_id")
    change_type = fields.Selection(
        [
            ("switch", "Switch plan"),
            ("lines", "Change quantities or add products"),
            ("period", "Change one coming delivery only"),
            ("pause", "Pause until a date"),
            ("code", "Apply a discount code"),
        ],
        default="switch",
        required=True,
    )
    plan_id = fields.Many2one("recurring.plan", string="New Plan")
    allowed_plan_ids = fields.Many2many(related="subscription_id.plan_id.switch_plan_ids")
    when = fields.Selection(
        [("now", "Now (prorated)"), ("period_end", "At the end of the current period")],
        default="now",
        required=True,
    )
    occurrence_id = fields.Many2one(
        "recurring.subscription.occurrence",
        string="Delivery",
        domain="[('subscription_id', '=', subscription_id), ('state', '=', 'planned')]",
    )
    line_ids = fields.One2many("recurring.subscription.change.wizard.line", "wizard_id")
    refund_now = fields.Boolean(
        help="Refund the lowered quantities for the rest of the period (prorated credit note) "
        "instead of lowering them from the next period.",
    )
    resume_date = fields.Date()
    discount_code = fields.Char()
    preview_html = fields.Html(compute="_compute_preview_html", sanitize=False)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        sub = self.env["recurring.subscription"].browse(self.env.context.get("active_id"))
        if sub and self.env.context.get("active_model") == "recurring.subscription":
            values["subscription_id"] = sub.id
            values["line_ids"] = [
                fields.Command.create(
                    {
                        "subscription_line_id": line.id,
                        "product_id": line.product_id.id,
                        "quantity": line.quantity,
                    }
                )
                for line in sub.line_ids
            ]
        return values

    def _get_change(self):
        """(quantities by subscription line, extra products) from the wizard lines."""
        quantities, extras = {}, {}
        for line in self.line_ids.filtered("product_id"):
            if line.subscription_line_id:
                quantities[line.subscription_line_id.id] = line.quantity
            else:
                extras[line.product_id.id] = extras.get(line.product_id.id, 0.0) + line.quantity
        return quantities, extras

    def _get_preview(self):
        self.ensure_one()
        sub = self.subscription_id
        if self.change_type == "switch":
            return sub._change_preview_switch(self.plan_id, self.when)
        if self.change_type == "lines":
            return sub._change_preview_lines(*self._get_change(), refund_now=self.refund_now)
        if self.change_type == "period":
            if not self.occurrence_id:
                raise UserError(self.env._("Choose the delivery to change."))
            return self.occurrence_id._change_preview_override(*self._get_change())
        return None

    @api.depends(
        "change_type",
        "plan_id",
        "when",
        "occurrence_id",
        "line_ids.quantity",
        "line_ids.product_id",
        "refund_now",
    )
    def _compute_preview_html(self):
        for wizard in self:
            if not wizard.subscription_id or wizard.change_type not in (
                "switch",
                "lines",
                "period",
            ):
                wizard.preview_html = False
                continue
            try:
                preview = wizard._get_preview()
            except UserError as error:
                wizard.preview_html = (
                    Markup('<div class="alert alert-warning">%s</div>') % error.args[0]
                )
                continue
            wizard.preview_html = self.env["ir.qweb"]._render(
                "recurring_subscriptions.recurring_change_preview",
                {
                    "preview": preview,
                    "currency": wizard.currency_id,
                    "format_date": format_date,
                    "env": self.env,
                },
            )

    def action_confirm(self):
        self.ensure_one()
        sub = self.subscription_id
        if self.change_type == "switch":
            sub.action_switch_plan(self.plan_id, self.when)
        elif self.change_type == "lines":
            sub.action_change_lines(*self._get_change(), refund_now=self.refund_now)
        elif self.change_type == "period":
            if not self.occurrence_id:
                raise UserError(self.env._("Choose the delivery to change."))
            self.occurrence_id.action_set_override(*self._get_change())
        elif self.change_type == "pause":
            sub.action_pause_until(self.resume_date)
        elif self.change_type == "code":
            sub.action_apply_discount_code(self.discount_code)
        return {"type": "ir.actions.act_window_close"}


class RecurringSubscriptionChangeWizardLine(models.TransientModel):
    _name = "recurring.subscription.change.wizard.line"
    _description = "Change a Subscription: Line"

    wizard_id = fields.Many2one(
        "recurring.subscription.change.wizard", required=True, ondelete="cascade"
    )
    subscription_line_id = fields.Many2one("recurring.subscription.line", readonly=True)
    product_id = fields.Many2one("product.product", required=True, domain=[("sale_ok", "=", True)])
    quantity = fields.Float(digits="Product Unit of Measure", default=1.0)
