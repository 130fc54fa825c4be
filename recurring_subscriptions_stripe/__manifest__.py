{
    "name": "Recurring Subscriptions - Stripe",
    "version": "18.0.1.0.0",
    "summary": "Recurring subscriptions with Stripe: one customer per partner, catalog import",
    "category": "Sales/Subscriptions",
    "author": "Recurring Subscriptions developers",
    "website": "https://example.com/recurring_subscriptions",
    "license": "LGPL-3",
    "depends": ["recurring_subscriptions", "payment_stripe"],
    "external_dependencies": {"python": ["stripe"]},
    "data": [
        "security/ir.model.access.csv",
        "wizards/recurring_stripe_import_wizard_views.xml",
        "views/product_template_views.xml",
        "views/recurring_subscriptions_stripe_menus.xml",
    ],
    "auto_install": True,
    "installable": True,
}
