from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    """Credit packs: products whose paid invoice grants booking credits."""

    # To merge into product_template.py (another engineer's file; see the issue 5 report).
    _inherit = "product.template"  # pylint: disable=consider-merging-classes-inherited

    recurring_credit_pack = fields.Boolean(
        string="Credit Pack",
        help="Paying an invoice of this product grants credits to the customer "
        "(quantity invoiced x credits per pack).",
    )
    recurring_credit_type_id = fields.Many2one(
        "recurring.credit.type", string="Credit Type", check_company=True
    )
    recurring_credit_quantity = fields.Float(string="Credits per Pack", digits=(16, 2), default=1.0)

    @api.constrains(
        "recurring_credit_pack", "recurring_credit_type_id", "recurring_credit_quantity"
    )
    def _check_recurring_credit_pack(self):
        for template in self.filtered("recurring_credit_pack"):
            if not template.recurring_credit_type_id or template.recurring_credit_quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "The credit pack %(product)s needs a credit type and a positive "
                        "number of credits.",
                        product=template.display_name,
                    )
                )
