from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    stripe_product_id = fields.Char(
        string="Stripe Product ID",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Id of the Stripe product this product was imported from; re-importing "
        "updates this product instead of creating another one.",
    )
