import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .portal_common import PortalHttpMixin, RecurringPortalCommon


@tagged("post_install", "-at_install")
class TestPortalHttp(PortalHttpMixin, RecurringPortalCommon, HttpCase):
    """/my/subscriptions routes, access rules and actions, over HTTP.

    Real dates: each subscription started 10 days ago and its first period is
    renewed, so the next renewal is about three weeks away (before the cutoff).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        start = cls.today - timedelta(days=10)
        cls.sub = cls._running_subscription(cls.today, start=start)
        cls.sub_b = cls._running_subscription(cls.today, partner=cls.partner_b, start=start)
        cls.draft = cls._create_subscription(start=cls.today)

    def _detail(self, sub=None):
        return f"/my/subscriptions/{(sub or self.sub).id}"

    # ------------------------------------------------------------------
    # Tile, list, detail
    # ------------------------------------------------------------------

    def test_home_counts_own_subscriptions(self):
        self._login(self.portal_alice)
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn('href="/my/subscriptions"', home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["recurring_subscription_count"]}
        )
        # Alice's draft subscription is not shown to her.
        self.assertEqual(counters["recurring_subscription_count"], 1)

    def test_list_shows_own_subscriptions_only(self):
        self._login(self.portal_alice)
        response = self.url_open("/my/subscriptions")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.sub.name, response.text)
        self.assertIn("Monthly", response.text)
        self.assertNotIn(self.sub_b.name, response.text)
        self.assertNotIn(self.draft.name, response.text)

    def test_list_sorting(self):
        cheap = self._running_subscription(self.today, start=self.today - timedelta(days=3))
        cheap.line_ids.price_unit = 5.0
        self._login(self.portal_alice)
        for sortby, first, second in (
            ("amount", self.sub, cheap),
            ("reference", cheap, self.sub),
            ("next", self.sub, cheap),
            ("bogus", self.sub, cheap),
        ):
            with self.subTest(sortby=sortby):
                text = self.url_open(f"/my/subscriptions?sortby={sortby}").text
                self.assertLess(text.index(first.name), text.index(second.name))
        for label in ("Reference", "Plan", "Status", "Next Renewal", "Recurring Amount"):
            self.assertIn(label, text)

    def test_list_requires_login(self):
        response = self.url_open("/my/subscriptions", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_detail_shows_lines_periods_documents(self):
        order = self.sub.order_ids
        invoice = self.sub.invoice_ids
        self.assertEqual(invoice.payment_state, "not_paid")
        self._login(self.portal_alice)
        response = self.url_open(self._detail())
        self.assertEqual(response.status_code, 200)
        text = response.text
        self.assertIn(self.sub.name, text)
        self.assertIn("Coworking membership", text)
        self.assertIn("Coming deliveries", text)
        self.assertEqual(text.count('name="skip"'), 6)
        self.assertIn(order.name, text)
        self.assertIn(invoice.name, text)
        self.assertIn("o_recurring_pay", text, "an open invoice has a pay button")
        self.assertIn(f"/my/invoices/{invoice.id}?access_token=", text)
        for button in ("pause", "open_cancel", "open_quantities"):
            self.assertIn(f'name="{button}"', text)

    def test_detail_hides_the_buttons_the_plan_forbids(self):
        self.plan_monthly.write(
            {
                "customer_can_skip": False,
                "customer_can_pause": False,
                "customer_can_cancel": False,
                "customer_can_change_quantity": False,
            }
        )
        self._login(self.portal_alice)
        text = self.url_open(self._detail()).text
        for button in ("skip", "pause", "open_cancel", "open_quantities"):
            self.assertNotIn(f'name="{button}"', text)

    def test_owner_writes_to_the_shop_in_the_chatter(self):
        self._login(self.portal_alice)
        text = self.url_open(self._detail()).text
        token = re.search(r'id="discussion"[^>]*data-token="([^"]+)"', text)
        self.assertTrue(token, "the chatter of the owner's page carries the access token")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "recurring.subscription",
                "thread_id": self.sub.id,
                "post_data": {"body": "Please deliver on Fridays", "message_type": "comment"},
                "token": token.group(1),
            },
        )
        message = self.sub.message_ids.filtered(lambda m: "deliver on Fridays" in m.body)
        self.assertEqual(message.author_id, self.partner)

    def test_other_customer_is_redirected_to_my(self):
        self._login(self.portal_alice)
        response = self.url_open(self._detail(self.sub_b), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        missing = self.url_open("/my/subscriptions/999999", allow_redirects=False)
        self.assertEqual(missing.status_code, 303)

    def test_access_token(self):
        token = self.sub._portal_ensure_token()
        wrong = self.url_open(f"{self._detail()}?access_token=wrong", allow_redirects=False)
        self.assertEqual(wrong.status_code, 303)
        self.assertNotIn(self.sub.name, wrong.text)
        # The right token shows the subscription to a visitor, without any action.
        right = self.url_open(f"{self._detail()}?access_token={token}")
        self.assertEqual(right.status_code, 200)
        self.assertIn(self.sub.name, right.text)
        self.assertNotIn('name="pause"', right.text)
        self.assertNotIn('name="skip"', right.text)
        # Bob with Alice's token sees it too, but cannot act on it.
        self._login(self.portal_bob)
        response = self._post(f"{self._detail()}/pause", {"access_token": token})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.sub.state, "active")

    # ------------------------------------------------------------------
    # Actions: refusals
    # ------------------------------------------------------------------

    def test_post_without_csrf_token_is_refused(self):
        self._login(self.portal_alice)
        # A form post like the page's, without its csrf_token field.
        response = self._post(f"{self._detail()}/pause", {"access_token": ""}, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.sub.state, "active")

    def test_actions_need_a_post(self):
        self._login(self.portal_alice)
        response = self.url_open(f"{self._detail()}/pause", allow_redirects=False)
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.sub.state, "active")

    def test_action_on_another_customer_subscription_is_forbidden(self):
        self._login(self.portal_alice)
        period = self._coming(self.sub_b)[1]
        for path, data in (
            ("pause", {}),
            ("cancel", {"reason_id": self.reason_expensive.id, "when": "now"}),
            (f"periods/{period.id}/skip", {}),
            ("quantities", {f"quantity_{self.sub_b.line_ids.id}": 0}),
        ):
            with self.subTest(path=path):
                response = self._post(f"{self._detail(self.sub_b)}/{path}", data)
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.sub_b.state, "active")
        self.assertEqual(period.state, "planned")
        self.assertEqual(self.sub_b.line_ids.quantity, 1.0)
        missing = self._post("/my/subscriptions/999999/pause")
        self.assertEqual(missing.status_code, 404)

    def test_visitor_must_log_in_to_act(self):
        token = self.sub._portal_ensure_token()
        response = self.url_open(
            f"{self._detail()}/pause", data={"access_token": token}, allow_redirects=False
        )
        self.assertIn(response.status_code, (303, 400))
        self.assertEqual(self.sub.state, "active")

    def test_forbidden_action_is_refused_even_without_the_button(self):
        self.plan_monthly.customer_can_pause = False
        self._login(self.portal_alice)
        page = self._follow(self._post(f"{self._detail()}/pause"))
        self.assertIn("alert-danger", page.text)
        self.assertIn("Your plan does not allow this change", page.text)
        self.assertEqual(self.sub.state, "active")

    def test_action_after_the_cutoff_is_refused(self):
        # The coming periods shown are less than 400 days away: all are past the cutoff.
        self.plan_monthly.cutoff_hours = 24 * 400
        period = self._coming(self.sub)[1]
        self._login(self.portal_alice)
        text = self.url_open(self._detail()).text
        self.assertNotIn('name="skip"', text)
        self.assertNotIn('name="pause"', text)
        for path in (f"periods/{period.id}/skip", "pause"):
            with self.subTest(path=path):
                page = self._follow(self._post(f"{self._detail()}/{path}"))
                self.assertIn("Too late", page.text)
        self.assertEqual(period.state, "planned")
        self.assertEqual(self.sub.state, "active")

    def test_action_in_a_wrong_state_is_refused(self):
        self._login(self.portal_alice)
        page = self._follow(self._post(f"{self._detail()}/resume"))
        self.assertIn("This subscription is not paused.", page.text)
        page = self._follow(self._post(f"{self._detail()}/undo_cancel"))
        self.assertIn("No cancellation is scheduled.", page.text)
        self.assertEqual(self.sub.state, "active")

    # ------------------------------------------------------------------
    # Actions: allowed paths
    # ------------------------------------------------------------------

    def test_skip_and_restore_over_http(self):
        period = self._coming(self.sub)[1]
        self._login(self.portal_alice)
        page = self._follow(self._post(f"{self._detail()}/periods/{period.id}/skip"))
        self.assertIn("alert-success", page.text)
        self.assertIn("skipped.", page.text)
        self.assertEqual(period.state, "skipped")
        self.assertIn('name="restore"', page.text)
        self.assertShopTold(self.sub, "skipped.")
        self.assertCustomerTold(self.sub, self.partner, "skipped.")
        self._follow(self._post(f"{self._detail()}/periods/{period.id}/restore"))
        self.assertEqual(period.state, "planned")

    def test_change_emails_are_queued_not_sent_in_the_request(self):
        """The customer's page does not wait for the mail server: the mail queue does it."""
        period = self._coming(self.sub)[1]
        mail_queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        Trigger, Mail = self.env["ir.cron.trigger"], self.env["mail.mail"]
        domain = [("model", "=", "recurring.subscription"), ("res_id", "=", self.sub.id)]
        triggers_before, mails_before = (
            Trigger.search([("cron_id", "=", mail_queue.id)]),
            Mail.search(domain),
        )
        self._login(self.portal_alice)
        self._follow(self._post(f"{self._detail()}/periods/{period.id}/skip"))
        self.assertCustomerTold(self.sub, self.partner, "skipped.")
        mails = Mail.search(domain) - mails_before
        self.assertTrue(mails)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"}, "queued, not sent yet")
        triggers = Trigger.search([("cron_id", "=", mail_queue.id)]) - triggers_before
        self.assertTrue(triggers, "the mail queue is woken up")
        mail_queue.method_direct_trigger()
        # Sent, then deleted when the mail says so (notifications do).
        self.assertFalse(mails.exists().filtered(lambda m: m.state == "outgoing"), "sent")

    def test_pause_resume_over_http(self):
        self._login(self.portal_alice)
        page = self._follow(self._post(f"{self._detail()}/pause"))
        self.assertEqual(self.sub.state, "paused")
        self.assertIn("Subscription paused", page.text)
        self.assertIn('name="resume"', page.text)
        self._follow(self._post(f"{self._detail()}/resume"))
        self.assertEqual(self.sub.state, "active")
        self.assertCustomerTold(self.sub, self.partner, "Subscription resumed")

    def test_cancel_over_http(self):
        self._login(self.portal_alice)
        page = self._follow(
            self._post(
                f"{self._detail()}/cancel",
                {"reason_id": self.reason_internal.id, "when": "period_end"},
            )
        )
        self.assertIn("choose one of the reasons", page.text)
        self.assertFalse(self.sub.cancel_at_period_end)
        page = self._follow(
            self._post(
                f"{self._detail()}/cancel",
                {"reason_id": self.reason_expensive.id, "when": "period_end"},
            )
        )
        self.assertTrue(self.sub.cancel_at_period_end)
        self.assertIn("Cancellation scheduled", page.text)
        self.assertIn('name="undo_cancel"', page.text)
        self._follow(self._post(f"{self._detail()}/undo_cancel"))
        self.assertFalse(self.sub.cancel_at_period_end)
        self._follow(
            self._post(
                f"{self._detail()}/cancel", {"reason_id": self.reason_expensive.id, "when": "now"}
            )
        )
        self.assertEqual(self.sub.state, "closed")
        self.assertCustomerTold(self.sub, self.partner, "is now closed")

    def test_quantities_over_http(self):
        line = self.sub.line_ids
        line.quantity = 3.0
        self._login(self.portal_alice)
        page = self._follow(self._post(f"{self._detail()}/quantities", {f"quantity_{line.id}": 5}))
        self.assertIn("not raise it", page.text)
        for value in ("two", "nan", "-inf"):
            with self.subTest(value=value):
                page = self._follow(
                    self._post(f"{self._detail()}/quantities", {f"quantity_{line.id}": value})
                )
                self.assertIn("Quantities must be numbers.", page.text)
        self.assertEqual(line.quantity, 3.0)
        page = self._follow(self._post(f"{self._detail()}/quantities", {f"quantity_{line.id}": 2}))
        self.assertIn("Quantities of the next orders changed", page.text)
        self.assertEqual(line.quantity, 2.0)

    def test_change_card_over_http(self):
        old, new = self._token(), self._token()
        bobs = self._token(partner=self.partner_b)
        sub = self._running_subscription(
            self.today,
            plan=self.plan_card,
            start=self.today - timedelta(days=10),
            payment_token_id=old.id,
        )
        self._login(self.portal_alice)
        text = self.url_open(self._detail(sub)).text
        self.assertIn('href="/my/payment_method"', text)
        options = re.findall(r'<option value="(\d+)"[^>]*>[^<]*Demo', text)
        self.assertEqual(sorted(int(o) for o in options), sorted((old | new).ids))
        page = self._follow(self._post(f"{self._detail(sub)}/payment_token", {"token_id": bobs.id}))
        self.assertIn("cannot pay this subscription", page.text)
        self.assertEqual(sub.payment_token_id, old)
        self._follow(self._post(f"{self._detail(sub)}/payment_token", {"token_id": new.id}))
        self.assertEqual(sub.payment_token_id, new)
        self.assertShopTold(sub, "Payment method changed to")

    def test_accept_terms_over_http(self):
        self.plan_monthly.terms = "<p>Deliveries on Saturdays only.</p>"
        self._login(self.portal_alice)
        text = self.url_open(self._detail()).text
        self.assertIn("Deliveries on Saturdays only.", text)
        self.assertIn('name="accept_terms"', text)
        self.assertNotIn('name="pause"', text)
        page = self._follow(self._post(f"{self._detail()}/pause"))
        self.assertIn("accept the terms", page.text)
        self.assertEqual(self.sub.state, "active")
        page = self._follow(self._post(f"{self._detail()}/accept_terms"))
        self.assertTrue(self.sub.terms_accepted_date)
        self.assertEqual(self.sub.terms_accepted_partner_id, self.partner)
        self.assertNotIn('name="accept_terms"', page.text)
        self.assertIn('name="pause"', page.text)
