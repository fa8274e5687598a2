"""Machine-facing views and fault pages: /healthz, /robots.txt and the 500/503 handler."""

import sys
import uuid
from http import HTTPStatus

from django.core.cache import cache
from django.db import DatabaseError, DataError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request
from django.views.defaults import server_error as default_server_error


def database_ok():
    """Return whether the database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_ok():
    """Return whether the shared cache stores and returns a value.

    django-redis is set to swallow connection errors (a cache outage must not
    take the site down), so a failed round trip shows up as a missing value.
    """
    token = uuid.uuid4().hex
    key = f"healthz:{token}"  # one key per check: concurrent checks must not overwrite each other
    try:
        cache.set(key, token, timeout=10)
        ok = cache.get(key) == token
        cache.delete(key)
        return ok
    except Exception:
        return False


@never_cache
@require_safe
def healthz(request):
    """Report database and cache state as JSON; 503 when either is down."""
    checks = {"database": database_ok(), "cache": cache_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error", **{k: "ok" if v else "error" for k, v in checks.items()}}
    return JsonResponse(body, status=HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE)


@require_safe
def robots_txt(request):
    """Allow everything but the admin and point crawlers at the sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def server_error(request, template_name="500.html"):
    """Answer a database outage with a friendly 503, anything else with the 500 page.

    A `DataError` is the database refusing a value (NUL in text, a number out of
    range): bad input, not an outage, so it answers 400 — it is still logged as an
    error, since a value that reached the database unchecked is a bug to fix.
    Django calls this inside its exception handler, so the exception being
    handled is still in `sys.exc_info()`. Neither page touches the database.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, DataError):
        return bad_request(request, exc)
    if isinstance(exc, DatabaseError):
        response = HttpResponse(loader.get_template("503.html").render(), status=HTTPStatus.SERVICE_UNAVAILABLE)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    return default_server_error(request, template_name)
