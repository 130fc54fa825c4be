"""Constants shared by the recurring_subscriptions models."""

# Subscription states, in lifecycle order.
STATE_SELECTION = [
    ("draft", "Draft"),
    ("future", "Future"),
    ("trial", "Trial"),
    ("active", "Active"),
    ("paused", "Paused"),
    ("past_due", "Past Due"),
    ("closed", "Closed"),
]

# Allowed source states for each target state (see `_transition_to`).
ALLOWED_TRANSITIONS = {
    "future": {"draft", "closed"},
    "trial": {"draft", "future", "paused"},
    "active": {"draft", "future", "trial", "paused", "past_due", "closed"},
    "paused": {"active", "trial", "past_due"},
    "past_due": {"active"},
    "closed": {"draft", "future", "trial", "active", "paused", "past_due"},
}

# States in which the renewal cron produces documents.
RENEWING_STATES = ("active", "past_due")
# States that count as "running" for the customer.
RUNNING_STATES = ("trial", "active", "past_due")

BILLING_UNIT_SELECTION = [
    ("day", "Days"),
    ("week", "Weeks"),
    ("month", "Months"),
    ("year", "Years"),
]

PAYMENT_MODE_SELECTION = [
    ("token", "Charge the saved payment method"),
    ("request", "Email a payment request"),
    ("manual", "Manual payment (invoice only)"),
]

OCCURRENCE_STATE_SELECTION = [
    ("planned", "Planned"),
    ("skipped", "Skipped"),
    ("done", "Done"),
    ("failed", "Failed"),
]

EVENT_TYPE_SELECTION = [
    ("period", "Period"),
    ("order", "Order"),
    ("invoice", "Invoice"),
    ("payment", "Payment"),
    ("state", "State change"),
    ("error", "Error"),
    ("info", "Information"),
]

# How many coming periods are kept materialised as planned occurrences.
OCCURRENCE_HORIZON = 12
# Default number of subscriptions locked and renewed per batch by the cron.
DEFAULT_BATCH_SIZE = 200
# After this many consecutive failed attempts, the cron stops retrying a
# renewal until someone clicks "Process now".
MAX_RENEWAL_ATTEMPTS = 3
