from odoo import http
from odoo.tests import new_test_user

from .common import RecurringPaymentCommon


class RecurringPortalCommon(RecurringPaymentCommon):
    """Portal customers (Alice, Bob), a salesperson and helpers for the portal tests
    (saved cards: see ``RecurringPaymentCommon._token``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="rs_portal_salesman",
            groups="sales_team.group_sale_salesman",
            email="sales@example.com",
        )
        # The portal users keep their partner's name and email (new_test_user would rename it).
        cls.portal_alice = cls._portal_user("rs_portal_alice", cls.partner)
        cls.portal_bob = cls._portal_user("rs_portal_bob", cls.partner_b)
        cls.reason_expensive = cls.env.ref("recurring_subscriptions.close_reason_too_expensive")
        cls.reason_internal = cls.env.ref("recurring_subscriptions.close_reason_payment_failed")

    @classmethod
    def _portal_user(cls, login, partner):
        return new_test_user(
            cls.env,
            login=login,
            password=f"{login}_pwd",
            groups="base.group_portal",
            partner_id=partner.id,
            name=partner.name,
            email=partner.email,
        )

    @classmethod
    def _running_subscription(cls, today, plan=None, partner=None, start=None, **values):
        """An active subscription whose period starting on ``start`` is already renewed."""
        sub = cls._create_subscription(
            plan=plan, partner=partner, start=start or today, user_id=cls.salesman.id, **values
        )
        sub.action_start()
        cls.env["recurring.subscription"]._renew_due(today, restrict_ids=sub.ids)
        return sub

    def _coming(self, sub):
        """The planned periods after the one already renewed, in date order."""
        return sub.occurrence_ids.filtered(
            lambda o: o.state in ("planned", "skipped") and o.period_start >= sub.next_date
        ).sorted("period_start")

    def assertCustomerTold(self, sub, partner, text):
        """A confirmation email about ``text`` went to ``partner``."""
        messages = sub.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_comment") and text in (m.body or "")
        )
        self.assertTrue(messages, f"no confirmation containing {text!r}")
        self.assertIn(partner, messages.partner_ids)
        notifications = self.env["mail.notification"].search(
            [
                ("mail_message_id", "in", messages.ids),
                ("res_partner_id", "=", partner.id),
                ("notification_type", "=", "email"),
            ]
        )
        self.assertTrue(notifications, f"{partner.name} was not emailed")

    def assertShopTold(self, sub, text):
        """A note about ``text`` notified the salesperson, and an event logged it."""
        subtype = self.env.ref("recurring_subscriptions.mt_subscription_portal_change")
        notes = sub.message_ids.filtered(
            lambda m: m.subtype_id == subtype and text in (m.body or "")
        )
        self.assertTrue(notes, f"no note containing {text!r}")
        self.assertTrue(notes.subtype_id.internal)
        self.assertIn(self.salesman.partner_id, notes.partner_ids)
        events = sub.event_ids.filtered(lambda e: e.event_type == "info" and text in e.message)
        self.assertTrue(events, f"no event containing {text!r}")


class PortalHttpMixin:
    """Requests as a portal user, for HttpCase tests."""

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}_pwd")

    def _post(self, path, data=None, csrf=True):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        response = self.url_open(path, data=data, allow_redirects=False)
        # The request ran with its own cache: read the records again.
        self.env.invalidate_all()
        return response

    def _follow(self, response):
        """The page a successful or refused action redirects to."""
        self.assertEqual(response.status_code, 303, response.text[:500])
        return self.url_open(response.headers["Location"])
