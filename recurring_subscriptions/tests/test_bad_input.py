from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .portal_common import PortalHttpMixin, RecurringPortalCommon

HUGE = str(2**63)
BAD_NUMBERS = ["-1", "0", HUGE, "1e308", "1e400", "NaN", "inf", "abc", "", "1;DROP"]


@tagged("post_install", "-at_install")
class TestBadInput(PortalHttpMixin, RecurringPortalCommon, HttpCase):
    """Every portal POST route with a table of bad values: never a 500, nothing changes.

    (The e-shop routes move to website_sale_recurring_subscriptions, which keeps
    their table.)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        start = cls.today - timedelta(days=10)
        cls.sub = cls._running_subscription(cls.today, start=start)
        cls.sub_b = cls._running_subscription(cls.today, partner=cls.partner_b, start=start)
        cls.closed = cls._running_subscription(cls.today, start=start)
        cls.closed._action_close(cls.reason_expensive, cls.today)
        cls.token_b = cls.env["payment.token"].create(
            {
                "provider_id": cls.provider.id,
                "payment_method_id": cls.payment_method.id,
                "partner_id": cls.partner_b.id,
                "payment_details": "4343",
                "provider_ref": "demo-bob",
            }
        )

    def _snapshot(self):
        """What a customer action could change, for every subscription of the test."""
        subs = self.sub | self.sub_b | self.closed
        self.env.invalidate_all()
        return {
            "subs": subs.read(
                ["state", "cancel_at_period_end", "payment_token_id", "next_date", "close_date"]
            ),
            "lines": subs.line_ids.read(["quantity"]),
            "periods": subs.occurrence_ids.read(["state"]),
            "events": len(subs.event_ids),
            "bookings": self.env["recurring.booking"].search_count([]),
        }

    def _cases(self):
        sub, sub_b, closed = self.sub, self.sub_b, self.closed
        line, line_b = sub.line_ids[0], sub_b.line_ids[0]
        past = sub.occurrence_ids.filtered(lambda o: o.state == "done")[:1]
        coming = self._coming(sub)[:1]
        coming_b = self._coming(sub_b)[:1]
        base = f"/my/subscriptions/{sub.id}"
        cases = []
        # Ids in the URL: another customer's, a closed subscription, a past period, huge.
        for target in (sub_b.id, closed.id, 2**31 - 1):
            for action in ("pause", "resume", "cancel", "undo_cancel", "accept_terms"):
                cases.append((f"/my/subscriptions/{target}/{action}", {}))
            cases.append((f"/my/subscriptions/{target}/quantities", {f"quantity_{line.id}": "2"}))
        for occurrence in (coming_b, past, self.env["recurring.subscription.occurrence"]):
            occurrence_id = occurrence.id or 2**31 - 1
            for action in ("skip", "restore"):
                cases.append((f"{base}/periods/{occurrence_id}/{action}", {}))
        cases.append((f"/my/subscriptions/{sub_b.id}/periods/{coming.id}/skip", {}))
        # Values in the form.
        for value in BAD_NUMBERS:
            cases += [
                (f"{base}/quantities", {f"quantity_{line.id}": value}),
                (f"{base}/quantities", {f"quantity_{value}": "1"}),
                (f"{base}/cancel", {"reason_id": value, "when": value}),
                (f"{base}/payment_token", {"token_id": value}),
                ("/my/bookings/new", {"resource_id": value, "start": value, "stop": value}),
                (f"/my/bookings/{value or 0}/cancel", {}),
            ]
        cases += [
            (f"{base}/quantities", {f"quantity_{line_b.id}": "3"}),
            (f"{base}/payment_token", {"token_id": str(self.token_b.id)}),
            (f"{base}/cancel", {"reason_id": HUGE[:20]}),
            (f"{base}/payment_token", {"token_id": HUGE[:20]}),
        ]
        return cases

    def test_bad_values_never_500_and_change_nothing(self):
        self._login(self.portal_alice)
        before = self._snapshot()
        for path, data in self._cases():
            with self.subTest(path=path, data=data):
                response = self._post(path, data)
                self.assertLess(response.status_code, 500, response.text[:300])
                if response.status_code in (302, 303):
                    page = self.url_open(response.headers["Location"])
                    self.assertLess(page.status_code, 500, page.text[:300])
                self.assertEqual(self._snapshot(), before)

    def test_missing_or_wrong_csrf_token_is_refused(self):
        self._login(self.portal_alice)
        before = self._snapshot()
        base = f"/my/subscriptions/{self.sub.id}"
        for path in (f"{base}/pause", f"{base}/cancel", f"{base}/quantities"):
            for token in (None, "wrong", "0" * 40):
                with self.subTest(path=path, token=token):
                    data = {"csrf_token": token} if token else {"note": "no token"}
                    response = self._post(path, data, csrf=False)
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(self._snapshot(), before)
