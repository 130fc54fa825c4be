"""Plain-Python helpers for the Stripe bridge (no ORM, no env)."""
