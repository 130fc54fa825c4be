"""Constants of the credits and bookings feature (kept apart from const.py, the engine's)."""

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
