from odoo import fields, models

from ..const import DIGEST_CATEGORY_SELECTION


class RecurringSubscriptionEvent(models.Model):
    """Which line of the shop's digest an event belongs to."""

    _inherit = "recurring.subscription.event"

    digest_category = fields.Selection(
        DIGEST_CATEGORY_SELECTION,
        readonly=True,
        help="Set by the code that logs the event when it knows the category; otherwise "
        "the digest infers it.",
    )

    def _get_digest_category(self):
        """The digest category of this event, or False when it is not worth a line."""
        self.ensure_one()
        if self.digest_category:
            return self.digest_category
        document = self.document_ref
        if self.event_type in ("order", "invoice") and document:
            return "renewed"
        if document and document._name == "payment.transaction":
            if document.state == "done" and self.event_type == "payment":
                return "paid"
            if self.event_type == "error":
                if document.recurring_needs_authentication:
                    return "authentication"
                return "payment_failed"
            return False
        if self.event_type != "error":
            return False
        return self.env["recurring.run.digest"]._get_error_category(self.subscription_id)
