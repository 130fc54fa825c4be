{
    "name": "Recurring Subscriptions: Stock",
    "version": "18.0.1.0.0",
    "summary": "Cap or skip renewal order lines to the stock that can be promised",
    "category": "Sales/Subscriptions",
    "author": "Recurring Subscriptions developers",
    "website": "https://example.com/recurring_subscriptions",
    "license": "LGPL-3",
    "depends": ["recurring_subscriptions", "sale_stock"],
    "data": [
        "views/recurring_plan_views.xml",
        "views/sale_order_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
