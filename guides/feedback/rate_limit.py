"""The flood guard: how many feedback submissions one client may send.

The count is kept in the shared cache (Redis in production), so the limit holds
across worker processes and hosts.
"""

import hashlib
import time

from django.conf import settings

from guides.caching import counters
from guides.clients import client_address


def rate_limit():
    """Return (submissions allowed, per seconds) — settings.FEEDBACK_RATE_LIMIT or 10 an hour."""
    return getattr(settings, "FEEDBACK_RATE_LIMIT", (10, 60 * 60))


def client_id(request):
    """Return a hashed client address: enough to count submissions, not to identify anyone."""
    address = client_address(request) or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]


def over_rate_limit(request):
    """Count one submission from this client; return seconds to wait if it is over the limit, else 0.

    A fixed window, counted atomically in the shared cache (guides/caching/counters.py),
    so every worker process sees the same count; while the shared cache is
    unavailable, each process counts on its own.
    """
    allowed, per = rate_limit()
    window = int(time.time() // per)
    count = counters.count("feedback-rate", client_id(request), window)
    if count <= allowed:
        return 0
    return max(1, (window + 1) * per - int(time.time()))
