from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.account_payment.controllers.portal import PortalAccount


class RecurringInvoicePortal(PortalAccount):
    """The pay link of a payment request saves the customer's card: the invoice page
    asks for it (no "save my card" box to untick)."""

    def _invoice_get_page_view_values(self, invoice, access_token, payment=False, **kwargs):
        values = super()._invoice_get_page_view_values(
            invoice, access_token, payment=payment, **kwargs
        )
        providers_sudo = values.get("providers_sudo")
        if providers_sudo and "show_tokenize_input_mapping" in values:
            values["show_tokenize_input_mapping"] = self._compute_show_tokenize_input_mapping(
                providers_sudo, invoice_id=invoice.id
            )
        return values


class RecurringInvoicePaymentPortal(PaymentPortal):
    """Transactions paying an invoice tell the providers which invoice it is, so a
    payment request's card is saved (see payment.provider._is_tokenization_required)."""

    def _create_transaction(self, *args, custom_create_values=None, **kwargs):
        invoice_ids = []
        for command in (custom_create_values or {}).get("invoice_ids") or []:
            if isinstance(command, list | tuple) and len(command) == 3 and command[0] == 6:
                invoice_ids = list(command[2])
        if len(invoice_ids) == 1 and "invoice_id" not in kwargs:
            kwargs["invoice_id"] = invoice_ids[0]
        return super()._create_transaction(
            *args, custom_create_values=custom_create_values, **kwargs
        )
