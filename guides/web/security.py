"""Security headers Django does not set itself, on every response (cached ones too),
and a 400 for admin query parameters holding a NUL character."""

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
