{
    "name": "Recurring Subscriptions",
    "version": "18.0.1.0.0",
    "summary": "Sell recurring products: subscriptions, renewal orders, invoices and card charges",
    "description": """
Recurring subscriptions for Odoo Community: plans, subscriptions created from
sale orders, and a scheduler that turns each period into a sale order, an
invoice and a payment.
""",
    "category": "Sales/Subscriptions",
    "author": "Recurring Subscriptions developers",
    "website": "https://example.com/recurring_subscriptions",
    "license": "LGPL-3",
    "depends": ["sale"],
    "external_dependencies": {"python": []},
    "data": [
        "security/recurring_subscriptions_groups.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/recurring_close_reason_data.xml",
        "data/mail_template_data.xml",
        "wizards/recurring_subscription_close_wizard_views.xml",
        "views/recurring_plan_views.xml",
        "views/recurring_close_reason_views.xml",
        "views/recurring_subscription_event_views.xml",
        "views/recurring_subscription_occurrence_views.xml",
        "views/recurring_subscription_views.xml",
        "views/product_template_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/recurring_subscriptions_menus.xml",
    ],
    "demo": [
        "demo/recurring_demo.xml",
    ],
    "installable": True,
    "application": False,
}
