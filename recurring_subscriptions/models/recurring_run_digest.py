from odoo import api, fields, models

from ..const import DIGEST_CATEGORY_SELECTION

# System parameter: comma-separated email addresses receiving the digest (default:
# the subscription administrators); "0" or "off" turns the digest off.
DIGEST_RECIPIENTS_PARAM = "recurring_subscriptions.digest_recipients"


class RecurringRunDigest(models.AbstractModel):
    """The shop's digest: one email after each cron run listing what the run did.

    The outcomes are read back from the event log (the events written during the run),
    so the renewal engine needs no extra bookkeeping: the cron notes the last event id
    when it starts and calls ``_send_run_digest`` with it when it ends.
    """

    _name = "recurring.run.digest"
    _description = "Subscriptions: Run Digest"

    @api.model
    def _get_last_event_id(self):
        """The id of the newest event: the run's events are the ones after it."""
        self.env.cr.execute("SELECT MAX(id) FROM recurring_subscription_event")
        return self.env.cr.fetchone()[0] or 0

    @api.model
    def _get_digest_recipients(self):
        """Email addresses of the digest (empty when turned off)."""
        param = self.env["ir.config_parameter"].sudo().get_param(DIGEST_RECIPIENTS_PARAM, "")
        if param.strip().lower() in ("0", "off", "false"):
            return []
        if param.strip():
            return [email.strip() for email in param.split(",") if email.strip()]
        managers = self.env.ref("recurring_subscriptions.group_recurring_manager").sudo().users
        return [
            user.email_formatted
            for user in managers
            if user.email and user.active and not user.share and user.id != 1
        ]

    @api.model
    def _prepare_run_digest_values(self, since_event_id):
        """The run's events that deserve a line, grouped by category (in display order)."""
        events = (
            self.env["recurring.subscription.event"]
            .sudo()
            .search([("id", ">", since_event_id)], order="id")
        )
        # Read the linked documents in one query per model, not one per event.
        documents = {}
        for event in events:
            if event.document_ref:
                documents.setdefault(event.document_ref._name, []).append(event.document_ref.id)
        for model, ids in documents.items():
            records = self.env[model].sudo().browse(ids)
            records.fetch([f for f in ("name", "state") if f in records._fields])
            records.mapped("display_name")
        by_category = {}
        for event in events:
            category = event._get_digest_category()
            if not category:
                continue
            by_category.setdefault(category, {})
            # One line per subscription and category: the latest event wins.
            by_category[category][event.subscription_id.id] = event
        # Renewed with a product that is archived or no longer sold: worth a look too.
        for sub_id, event in by_category.get("renewed", {}).items():
            unavailable = self._get_unavailable_products(event.subscription_id)
            if unavailable and sub_id not in by_category.get("product_unavailable", {}):
                by_category.setdefault("product_unavailable", {})[sub_id] = event.with_context(
                    recurring_digest_message=self.env._(
                        "Renewed with products that are archived or no longer sold: %(names)s",
                        names=", ".join(unavailable.mapped("display_name")),
                    )
                )
        labels = dict(
            self.env["recurring.subscription.event"]
            ._fields["digest_category"]
            ._description_selection(self.env)
        )
        base_url = self.env["recurring.subscription"].get_base_url()
        sections = []
        for key, _label in DIGEST_CATEGORY_SELECTION:
            rows = by_category.get(key)
            if not rows:
                continue
            sections.append(
                {
                    "key": key,
                    "label": labels[key],
                    "lines": [
                        {
                            "subscription": event.subscription_id,
                            "partner": event.subscription_id.partner_id,
                            "message": event.env.context.get("recurring_digest_message")
                            or event.message,
                            "url": f"{base_url}/mail/view?model=recurring.subscription"
                            f"&res_id={event.subscription_id.id}",
                            "document_url": (
                                f"{base_url}/mail/view?model={event.document_ref._name}"
                                f"&res_id={event.document_ref.id}"
                                if event.document_ref
                                else False
                            ),
                            "document_name": event.document_ref.display_name
                            if event.document_ref
                            else False,
                        }
                        for event in rows.values()
                    ],
                }
            )
        return {"sections": sections, "date": fields.Datetime.now()}

    @api.model
    def _send_run_digest(self, since_event_id):
        """Email the run's digest to the subscription managers, when there is something."""
        recipients = self._get_digest_recipients()
        if not recipients:
            return False
        values = self._prepare_run_digest_values(since_event_id)
        if not values["sections"]:
            return False
        company = self.env.company
        body = self.env["ir.qweb"]._render(
            "recurring_subscriptions.run_digest_email", {**values, "company": company}
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": self.env._(
                        "Subscriptions: what the last run did (%(count)s)",
                        count=sum(len(section["lines"]) for section in values["sections"]),
                    ),
                    "body_html": body,
                    "email_from": company.email_formatted or self.env.user.email_formatted,
                    "email_to": ",".join(recipients),
                    "auto_delete": True,
                }
            )
        )
        return mail

    @api.model
    def _get_error_category(self, subscription):
        """Why a renewal of ``subscription`` most likely failed, for the digest."""
        if self._get_unavailable_products(subscription):
            return "product_unavailable"
        partner = subscription.partner_invoice_id or subscription.partner_id
        if not partner.email or not (partner.country_id or partner.street or partner.city):
            return "data_missing"
        return "error"

    @api.model
    def _get_unavailable_products(self, subscription):
        """Products of the subscription's lines that are archived or no longer sold."""
        products = subscription.line_ids.filtered(lambda l: l.quantity > 0).product_id
        return products.with_context(active_test=False).filtered(
            lambda p: not p.active or not p.product_tmpl_id.active or not p.sale_ok
        )
