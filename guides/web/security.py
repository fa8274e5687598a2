"""Security headers Django does not set itself, on every response (cached ones too),
and the client's address as the rate limit and the login lockout see it."""

import ipaddress

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Add Permissions-Policy; keep cookie-setting responses out of shared caches.

    The page cache stores a page with the headers this and the middleware below it
    set (frame denial comes from Django's XFrameOptionsMiddleware), and replays them
    on every hit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if response.cookies and "Cache-Control" not in response:
            # A response that sets a cookie (a CSRF token, a session) is personal.
            patch_cache_control(response, private=True, no_store=True)
        return response


class RejectNulBytesMiddleware:
    """Answer 400 to an admin request whose query parameters hold a NUL character (``%00``).

    The admin hands its query parameters (changelist search, filters, autocomplete
    terms) to the database as they are, and PostgreSQL refuses NUL in text: an
    autocomplete with ``term=%00`` answered 503 "服务暂时不可用" as if the database were
    down. The public pages parse their parameters first (search drops control
    characters, forms refuse NUL), so they keep answering; a `DataError` that still
    reaches the 500 handler answers 400 too (`guides.web.health.server_error`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match and "admin" in match.app_names and _holds_nul(request.GET):
            raise BadRequest("请求里含有空字符（%00），无法处理。")
        return None


def _holds_nul(params):
    return any("\x00" in value for key, values in params.lists() for value in [key, *values])


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
