"""Plain-Python helpers for recurring subscriptions (no ORM, no env)."""
