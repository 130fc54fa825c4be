"""Plain helpers to cut due subscriptions into jobs (no env)."""

import hashlib


def chunks(ids, size):
    """Cut ``ids`` (kept in their order) into lists of at most ``size`` ids."""
    if size < 1:
        raise ValueError("size must be at least 1")
    ids = list(ids)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def batch_identity_key(prefix, period, ids):
    """Identity key of one batch for one period: the same ids and day give the same key."""
    digest = hashlib.sha1(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()
    return f"{prefix}:{period}:{digest}"
