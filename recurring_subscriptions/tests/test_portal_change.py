from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import TourMixin
from .portal_common import PortalHttpMixin, RecurringPortalCommon

# The subscriptions start on Jan 31 and are renewed once: the next renewal is on
# Feb 28 and the 48-hour cutoff for it is Feb 26 00:00 (UTC).
TODAY = "2026-02-10 12:00:00"


class PortalChangeCommon(RecurringPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_monthly.write(
            {
                "switch_plan_ids": [(6, 0, cls.plan_yearly.ids)],
                "customer_can_switch_plan": True,
                "customer_can_upsell": True,
                "addable_product_ids": [(6, 0, cls.product_plain.ids)],
                "max_pause_days": 60,
            }
        )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPortalChange(PortalHttpMixin, PortalChangeCommon, HttpCase):
    """Every customer change through HTTP: permission, cutoff, owner, bad values."""

    def setUp(self):
        super().setUp()
        self.sub = self._running_subscription(date(2026, 2, 10), start=date(2026, 1, 31))
        self.url = f"/my/subscriptions/{self.sub.id}"

    def _flash(self, response):
        return self._follow(response).text

    def test_owner_previews_then_confirms_an_upgrade(self):
        self._login(self.portal_alice)
        page = self.url_open(
            f"{self.url}/change?mode=switch&plan_id={self.plan_yearly.id}&when=now"
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_recurring_preview_total_now", page.text)
        self.assertIn("160.71", page.text)
        self.env.invalidate_all()
        self.assertEqual(self.sub.plan_id, self.plan_monthly, "a preview changes nothing")
        response = self._post(
            f"{self.url}/change/confirm",
            {"mode": "switch", "plan_id": self.plan_yearly.id, "when": "now"},
        )
        self.assertIn("Plan switched", self._flash(response))
        self.assertEqual(self.sub.plan_id, self.plan_yearly)
        self.assertShopTold(self.sub, "Plan switched")
        self.assertCustomerTold(self.sub, self.partner, "Plan switched")

    def test_other_customer_cannot_preview_or_change(self):
        self._login(self.portal_bob)
        page = self.url_open(
            f"{self.url}/change?mode=switch&plan_id={self.plan_yearly.id}", allow_redirects=False
        )
        self.assertEqual(page.status_code, 303)
        response = self._post(
            f"{self.url}/change/confirm",
            {"mode": "lines", f"quantity_{self.sub.line_ids.id}": "5"},
        )
        self.assertEqual(response.status_code, 403)
        for path, data in (
            ("pause_until", {"resume_date": "2026-03-01"}),
            ("discount_code", {"code": "X"}),
        ):
            self.assertEqual(self._post(f"{self.url}/{path}", data).status_code, 403)
        self.assertEqual(self.sub.line_ids.quantity, 1.0)
        self.assertEqual(self.sub.state, "active")

    def test_without_csrf_token_nothing_changes(self):
        self._login(self.portal_alice)
        response = self._post(
            f"{self.url}/change/confirm",
            {"mode": "lines", f"quantity_{self.sub.line_ids.id}": "5"},
            csrf=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.sub.line_ids.quantity, 1.0)

    def test_plan_permissions_are_enforced(self):
        self.plan_monthly.write({"customer_can_switch_plan": False, "customer_can_upsell": False})
        self._login(self.portal_alice)
        for data in (
            {"mode": "switch", "plan_id": self.plan_yearly.id},
            {"mode": "lines", f"quantity_{self.sub.line_ids.id}": "2"},
        ):
            with self.subTest(mode=data["mode"]):
                response = self._post(f"{self.url}/change/confirm", data)
                self.assertIn("does not allow", self._flash(response))
        self.assertEqual(self.sub.plan_id, self.plan_monthly)
        self.assertEqual(self.sub.line_ids.quantity, 1.0)

    def test_changes_refused_after_the_cutoff(self):
        self._login(self.portal_alice)
        with freeze_time("2026-02-26 00:00:01"):
            response = self._post(
                f"{self.url}/change/confirm",
                {"mode": "lines", f"quantity_{self.sub.line_ids.id}": "2"},
            )
            self.assertIn("Too late", self._flash(response))
        self.assertEqual(self.sub.line_ids.quantity, 1.0)

    def test_customer_raises_a_quantity_and_adds_a_product(self):
        self._login(self.portal_alice)
        invoices = self.sub.invoice_ids
        response = self._post(
            f"{self.url}/change/confirm",
            {
                "mode": "lines",
                f"quantity_{self.sub.line_ids.id}": "2",
                f"add_{self.product_plain.id}": "1",
            },
        )
        self.assertIn("billed now", self._flash(response))
        self.assertEqual(self.sub.line_ids.mapped("quantity"), [2.0, 1.0])
        self.assertAlmostEqual((self.sub.invoice_ids - invoices).amount_total, 25.72)

    def test_bad_values_are_refused(self):
        self._login(self.portal_alice)
        line = self.sub.line_ids
        cases = [
            ({"mode": "lines", f"quantity_{line.id}": "abc"}, "must be numbers"),
            ({"mode": "lines", f"quantity_{line.id}": "nan"}, "must be numbers"),
            ({"mode": "lines", f"quantity_{line.id}": "-1"}, "negative"),
            ({"mode": "lines", f"add_{self.product_box.id}": "1"}, "cannot be added"),
            ({"mode": "switch", "plan_id": self.plan_weekly.id}, "cannot switch to"),
            ({"mode": "switch", "plan_id": 999999}, "Choose one of the plans"),
            ({"mode": "bogus"}, "Unknown change"),
            ({"mode": "period", "occurrence_id": 999999}, "no longer exists"),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self._post(f"{self.url}/change/confirm", data)
                self.assertIn(message, self._flash(response))
        self.assertEqual(self.sub.line_ids, line)
        self.assertEqual(line.quantity, 1.0)
        self.assertEqual(self.sub.plan_id, self.plan_monthly)

    def test_customer_changes_one_coming_delivery(self):
        self._login(self.portal_alice)
        coming = self._coming(self.sub)[0]
        other = self._running_subscription(
            date(2026, 2, 10), partner=self.partner_b, start=date(2026, 1, 31)
        )
        response = self._post(
            f"{self.url}/change/confirm",
            {
                "mode": "period",
                "occurrence_id": self._coming(other)[0].id,
                f"quantity_{self.sub.line_ids.id}": "3",
            },
        )
        self.assertIn("not part of your subscription", self._flash(response))
        response = self._post(
            f"{self.url}/change/confirm",
            {"mode": "period", "occurrence_id": coming.id, f"quantity_{self.sub.line_ids.id}": "3"},
        )
        self.assertIn("for that delivery only", self._flash(response))
        self.assertEqual(coming.override_line_ids.quantity, 3.0)
        self.assertEqual(self.sub.line_ids.quantity, 1.0)

    def test_customer_pauses_until_a_date(self):
        self._login(self.portal_alice)
        response = self._post(f"{self.url}/pause_until", {"resume_date": "2026-06-01"})
        self.assertIn("at most 60 days", self._flash(response))
        response = self._post(f"{self.url}/pause_until", {"resume_date": "not a date"})
        self.assertIn("after today", self._flash(response))
        self.assertEqual(self.sub.state, "active")
        response = self._post(f"{self.url}/pause_until", {"resume_date": "2026-03-01"})
        self.assertIn("paused until", self._flash(response))
        self.assertEqual((self.sub.state, self.sub.pause_until), ("paused", date(2026, 3, 1)))

    def test_customer_applies_a_discount_code_and_sees_when_it_ends(self):
        self.env["recurring.discount.code"].create(
            {"code": "WELCOME", "percent": 10, "duration_periods": 2}
        )
        self._login(self.portal_alice)
        response = self._post(f"{self.url}/discount_code", {"code": "nope"})
        self.assertIn("does not exist", self._flash(response))
        response = self._post(f"{self.url}/discount_code", {"code": "welcome"})
        page = self._flash(response)
        self.assertIn("until 04/29/2026", page)
        self.assertIn("o_recurring_discount", page)


@tagged("post_install", "-at_install")
class TestPortalChangeTour(TourMixin, PortalChangeCommon, HttpCase):
    """Tour: the customer previews an upgrade, then confirms it (real dates)."""

    def test_tour_upgrade_with_preview(self):
        today = fields.Date.today()
        sub = self._running_subscription(
            today - timedelta(days=10), start=today - timedelta(days=10)
        )
        self.portal_alice.password = self.portal_alice.login
        self._start_tour_or_fail(
            f"/my/subscriptions/{sub.id}",
            "recurring_portal_upgrade_preview",
            self.portal_alice.login,
        )
        self.env.invalidate_all()
        self.assertEqual(sub.plan_id, self.plan_yearly)
        self.assertShopTold(sub, "Plan switched")
