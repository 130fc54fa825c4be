# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models


class RecurringSubscription(models.Model):
    """Taxes of a subscription: the customer's fiscal position maps its lines' taxes,
    and every renewal order and invoice carries it."""

    _inherit = "recurring.subscription"

    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        compute="_compute_fiscal_position_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
        help="Maps the taxes of the lines for this customer (foreign or B2B customers). "
        "Computed from the customer and the delivery address; may be changed by hand.",
    )

    @api.depends("partner_id", "partner_shipping_id", "company_id")
    def _compute_fiscal_position_id(self):
        cache = {}
        for sub in self:
            if not sub.partner_id:
                sub.fiscal_position_id = False
                continue
            key = (sub.company_id.id, sub.partner_id.id, sub.partner_shipping_id.id)
            if key not in cache:
                cache[key] = (
                    self.env["account.fiscal.position"]
                    .with_company(sub.company_id)
                    ._get_fiscal_position(sub.partner_id, delivery=sub.partner_shipping_id)
                    .id
                )
            sub.fiscal_position_id = cache[key]
