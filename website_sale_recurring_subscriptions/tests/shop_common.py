from lxml import html

from odoo import http
from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.recurring_subscriptions.tests.common import RecurringPaymentCommon, TourMixin


class RecurringShopCommon(TourMixin, RecurringPaymentCommon):
    """A published recurring product with several plans, and a shopper with a complete
    address (so the checkout goes straight to the payment page). Mixed with HttpCase."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        Plan = cls.env["recurring.plan"]
        cls.plan_trial = Plan.create(
            {"name": "Monthly with trial", "trial_interval": 14, "trial_unit": "day"}
        )
        cls.plan_terms = Plan.create(
            {
                "name": "Annual contract",
                "billing_unit": "year",
                "terms": "<p>Twelve months minimum, renewed every year.</p>",
            }
        )
        cls.plan_limited = Plan.create(
            {
                "name": "Ten weeks",
                "billing_unit": "week",
                "duration_type": "limited",
                "duration_count": 10,
            }
        )
        # Coworking membership (service, 200.00): monthly, yearly (-10%), monthly by card,
        # and the three plans above.
        cls.product_desk.recurring_product_plan_ids = [
            Command.create({"plan_id": plan.id})
            for plan in (cls.plan_trial, cls.plan_terms, cls.plan_limited)
        ]
        (cls.product_desk | cls.product_plain).product_tmpl_id.is_published = True
        cls.shopper_partner = cls.env["res.partner"].create(
            {
                "name": "Carol Shopper",
                "email": "carol@example.com",
                "phone": "+32 2 555 01 01",
                "street": "Rue du Marché 1",
                "city": "Brussels",
                "zip": "1000",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        # start_tour logs in with the login as password.
        cls.shopper = new_test_user(
            cls.env,
            login="rs_shop_carol",
            password="rs_shop_carol",
            groups="base.group_portal",
            partner_id=cls.shopper_partner.id,
            name=cls.shopper_partner.name,
            email=cls.shopper_partner.email,
        )

    def _login(self, user=None):
        user = user or self.shopper
        self.authenticate(user.login, user.login)

    def _add_to_cart(self, product=None, quantity=1, **options):
        """Post the product page form; returns the response (303 to the cart when added)."""
        data = {
            "product_id": (product or self.product_desk).id,
            "add_qty": quantity,
            "csrf_token": http.Request.csrf_token(self),
            **options,
        }
        response = self.url_open("/shop/cart/update", data=data, allow_redirects=False)
        self.env.invalidate_all()
        return response

    def _cart(self, partner=None):
        """The shopper's current cart (or the public visitor's one)."""
        partner = partner or self.shopper_partner
        return self.env["sale.order"].search(
            [("website_id", "=", self.website.id), ("partner_id", "=", partner.id)],
            order="id desc",
            limit=1,
        )

    def _page_text(self, response):
        """What the shopper reads on a page: its text, whitespace collapsed."""
        self.assertEqual(response.status_code, 200, response.url)
        return " ".join(html.fromstring(response.text).text_content().split())

    def assertShown(self, text, *expected):
        for part in expected:
            self.assertTrue(part in text, f"{part!r} is not shown")

    def assertNotShown(self, text, *unexpected):
        for part in unexpected:
            self.assertFalse(part in text, f"{part!r} is shown")
