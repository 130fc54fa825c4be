from odoo import models


class RecurringSubscription(models.Model):
    _inherit = "recurring.subscription"

    def _get_tax_display(self):
        """Override of the core: a subscription bought in the shop shows its amounts as
        that website shows prices (``show_line_subtotals_tax_selection``)."""
        website = self.sudo().source_order_id.website_id
        if website:
            return website.show_line_subtotals_tax_selection
        return super()._get_tax_display()
