"""Plain-Python reading of Stripe catalog objects (no ORM, no env).

The Stripe import wizard turns each Stripe plan (a recurring price of a product)
into a fixed price per period on a recurring plan. These helpers say which Stripe
plans can be represented that way and with which recurrence; they take the plain
dicts of Stripe's API (``StripeObject.to_dict()``).
"""

# Stripe's plan intervals, which are also the keys of BILLING_UNIT_SELECTION.
STRIPE_INTERVALS = ("day", "week", "month", "year")

# Why a Stripe plan cannot become a fixed price per period (the wizard words them).
SKIP_METERED = "metered"
SKIP_TIERED = "tiered"
SKIP_TRANSFORMED = "transformed"
SKIP_INTERVAL = "interval"
SKIP_FREE = "free"


def object_id(value):
    """The id of a Stripe reference, whether it is expanded (dict) or not (str)."""
    if isinstance(value, dict):
        return value.get("id")
    return value or None


def plan_terms(plan):
    """Recurrence and trial of a Stripe plan.

    :return: (billing_unit, billing_interval, trial_days)
    """
    return (
        plan["interval"],
        int(plan.get("interval_count") or 1),
        int(plan.get("trial_period_days") or 0),
    )


def unsupported_reason(plan):
    """Why a Stripe plan cannot be imported as a fixed price per period, or None.

    Metered and tiered plans have no single price per period; transformed usage
    divides the quantity; a free plan has no price to fix (an empty fixed price
    means "pricelist price" on our side, which would not be free).
    """
    if plan.get("usage_type") == "metered":
        return SKIP_METERED
    if plan.get("billing_scheme") == "tiered" or plan.get("amount") is None:
        return SKIP_TIERED
    if plan.get("transform_usage"):
        return SKIP_TRANSFORMED
    if plan.get("interval") not in STRIPE_INTERVALS or int(plan.get("interval_count") or 1) < 1:
        return SKIP_INTERVAL
    if not int(plan["amount"]):
        return SKIP_FREE
    return None


def plans_by_product(plans):
    """Stripe plans grouped by the id of their product, oldest plan first."""
    result = {}
    for plan in sorted(plans, key=lambda p: (p.get("created") or 0, p["id"])):
        result.setdefault(object_id(plan.get("product")), []).append(plan)
    return result
