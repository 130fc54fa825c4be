{
    "name": "Recurring Subscriptions - Job Queue",
    "version": "18.0.1.0.0",
    "summary": "Renew due subscriptions through OCA queue_job, spread over every worker",
    "category": "Sales/Subscriptions",
    "author": "Recurring Subscriptions developers",
    "website": "https://example.com/recurring_subscriptions",
    "license": "LGPL-3",
    "depends": ["recurring_subscriptions", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
        "data/ir_config_parameter_data.xml",
    ],
    "auto_install": True,
    "installable": True,
    "application": False,
}
