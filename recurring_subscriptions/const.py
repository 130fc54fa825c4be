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
    "trial": {"draft", "future", "paused", "closed"},
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

# Fields only the renewal engine writes (as superuser or with the context key
# ``recurring_engine`` set to ENGINE_CONTEXT): a salesperson cannot change them through
# the API. ENGINE_CONTEXT is a Python object, which no RPC client can send.
ENGINE_CONTEXT = object()
ENGINE_OCCURRENCE_FIELDS = frozenset(
    {
        "state",
        "payment_step_done",
        "payment_attempt_count",
        "payment_first_failure",
        "next_payment_retry",
        "payment_action_required",
        "attempt_count",
    }
)
ENGINE_SUBSCRIPTION_FIELDS = frozenset({"payment_suspended"})

# Largest quantity of a subscription line or recurring order line, unless the
# system parameter ``recurring_subscriptions.max_quantity`` says otherwise.
DEFAULT_MAX_QUANTITY = 10000

# How many coming periods are kept materialised as planned occurrences.
OCCURRENCE_HORIZON = 12
# Default number of subscriptions locked and renewed per batch by the cron.
DEFAULT_BATCH_SIZE = 200
# After this many consecutive failed attempts, the cron stops retrying a
# renewal until someone clicks "Process now".
MAX_RENEWAL_ATTEMPTS = 3

# ----------------------------------------------------------------------
# Booking credits and bookings
# ----------------------------------------------------------------------
# Ledger entry kinds and the sign of their quantity.
CREDIT_ENTRY_KIND_SELECTION = [
    ("grant", "Grant"),
    ("consumption", "Consumption"),
    ("expiry", "Expiry"),
    ("reversal", "Reversal"),
]
POSITIVE_ENTRY_KINDS = ("grant", "reversal")
NEGATIVE_ENTRY_KINDS = ("consumption", "expiry")

# Where a grant comes from.
CREDIT_SOURCE_SELECTION = [
    ("subscription", "Subscription period"),
    ("pack", "Credit pack"),
    ("manual", "Manual"),
    ("booking", "Booking"),
    ("expiry", "Expiry"),
]

RESOURCE_TYPE_SELECTION = [
    ("room", "Room"),
    ("desk", "Desk"),
    ("equipment", "Equipment"),
]

BOOKING_STATE_SELECTION = [
    ("draft", "Draft"),
    ("confirmed", "Confirmed"),
    ("cancelled", "Cancelled"),
]

# Allowed source states for each target booking state (see `_set_state`).
BOOKING_TRANSITIONS = {
    "confirmed": {"draft"},
    "cancelled": {"draft", "confirmed"},
    "draft": {"cancelled"},
}

# Subscription states during which a resource reserved by one of its lines is
# blocked for everybody else.
RESERVING_SUBSCRIPTION_STATES = ("future", "trial", "active", "paused", "past_due")

# Ledger rows locked and written off per batch by the daily credit cron.
DEFAULT_CREDIT_BATCH_SIZE = 500
# Default window of the "expiring soon" filters and portal list, in days.
EXPIRING_SOON_DAYS = 30

# Categories of the shop's digest, in the order they are listed.
DIGEST_CATEGORY_SELECTION = [
    ("renewed", "Renewed"),
    ("paid", "Paid"),
    ("payment_failed", "Payment failed"),
    ("authentication", "Authentication required"),
    ("stock", "Quantities reduced for stock"),
    ("product_unavailable", "Product unavailable (archived or not sold)"),
    ("data_missing", "Address or data missing"),
    ("error", "Other errors"),
]

# Partner fields ``payment.transaction.create`` copies onto each transaction.
CHARGE_PARTNER_FIELDS = [
    "name",
    "parent_id",
    "lang",
    "email",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "phone",
]
