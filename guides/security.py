"""Security headers Django does not set itself, on every response (cached ones too)."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Add Permissions-Policy and frame denial; keep cookie-setting responses out of shared caches.

    It sits before the page cache, so pages served from the cache get the same
    headers as freshly rendered ones (XFrameOptionsMiddleware, further in, never
    sees a cache hit).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if response.cookies and "Cache-Control" not in response:
            # A response that sets a cookie (a CSRF token, a session) is personal.
            patch_cache_control(response, private=True, no_store=True)
        return response
