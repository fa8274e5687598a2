"""The client's address, as the feedback rate limit and the login lockout see it."""

import ipaddress

from django.conf import settings


def client_address(request):
    """Return the client's address, as the load balancer saw it when one is configured.

    Behind a load balancer every request comes from the balancer's address, so set
    CLIENT_IP_HEADER (env DJANGO_CLIENT_IP_HEADER, e.g. "HTTP_X_FORWARDED_FOR"); the
    last entry is the one our own balancer appended, which a client cannot forge.
    Used by the feedback rate limit and by django-axes (AXES_CLIENT_IP_CALLABLE).
    """
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        entries = [e.strip() for e in request.META[header].split(",") if e.strip()]
        if entries and _is_ip_address(entries[-1]):
            return entries[-1]
    remote = request.META.get("REMOTE_ADDR", "")
    # None, not a made-up value, when there is no address: django-axes stores the
    # address in an IP address column, which PostgreSQL checks.
    return remote if _is_ip_address(remote) else None


def _is_ip_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
