{
    "name": "Recurring Subscriptions - eCommerce",
    "version": "18.0.1.0.0",
    "summary": "Sell recurring products in the e-shop: plans, cart, checkout with a saved card",
    "category": "Website/Website",
    "author": "Recurring Subscriptions developers",
    "website": "https://example.com/recurring_subscriptions",
    "license": "LGPL-3",
    "depends": ["recurring_subscriptions", "website_sale"],
    "data": [
        "views/website_sale_templates.xml",
    ],
    "demo": [
        "demo/website_sale_recurring_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "website_sale_recurring_subscriptions/static/src/js/website_sale_recurring.js",
            "website_sale_recurring_subscriptions/static/src/js/payment_recurring.js",
        ],
        "web.assets_tests": [
            "website_sale_recurring_subscriptions/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
}
