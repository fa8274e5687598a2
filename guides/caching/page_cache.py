"""Whole-page cache for anonymous GETs of guide pages, keyed by the content version.

A cached entry remembers the content version it was rendered under; a content
edit bumps the version (guides/caching/invalidation.py), so every worker's next
request misses and renders fresh rows. Entries live in the `pages` cache alias as
JSON (the body as text, the headers, the validators): reading one can never run
code, whatever was planted under its key, and a value of any other shape is a miss.
Their keys carry the release (guides/caching/release.py).

The middleware sits right after SecurityMiddleware and whitenoise, so a hit
touches neither the database nor the view, nor any other middleware: while
PostgreSQL is down, cached guides keep answering 200. The CSP and the other
headers added further in are stored with the page and replayed (pages that
use a CSP nonce must therefore not be cacheable; none does). Requests that carry a session cookie (editors) or a
query string (staff previews, form submissions) bypass the cache entirely.

Every cached page carries `ETag` (a hash of the body), `Last-Modified` (when the
content version was minted) and `Cache-Control: public, max-age=…`, and a
matching conditional GET is answered with 304.
"""

import hashlib
import logging
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from guides import clock
from guides.caching import version as content_version
from guides.caching.release import release_id

logger = logging.getLogger(__name__)

# Headers that belong to one response and are never replayed from the cache.
_NOT_STORED = {"set-cookie", "date", "content-length"}


def version_timestamp(version):
    """Return when `version` was minted, as seconds since the epoch (see content_version)."""
    try:
        return int(version, 16) // 1_000_000_000
    except (TypeError, ValueError):
        return None


def canonical_host(request):
    """Return the request's host in the one form pages are rendered and stored under, or None.

    `LOCALHOST`, `localhost.` and `localhost:80` are all `localhost`: lower case, no
    trailing dot, no default port. A port that is neither the default nor the one this
    server listens on (anyone can send `Host: guide.example.cn:1234`) gets None, so such
    requests are rendered but never stored: every page would otherwise be stored once
    per port. Raises DisallowedHost for a host outside ALLOWED_HOSTS.
    """
    domain, port = split_domain_port(request.get_host())
    domain = domain.removesuffix(".")
    default_port = "443" if request.is_secure() else "80"
    if port in ("", default_port):
        return domain
    if port == request.META.get("SERVER_PORT"):
        return f"{domain}:{port}"
    return None


def entry_key(request, host=None):
    """Return the cache key for the bytes this request renders, hashed.

    Release (guides/caching/release.py: pages name hashed static files and carry the
    headers of the code that rendered them), scheme, canonical host, the script prefix links are built under and
    the path the view resolved: `request.path` alone joins the last two, so a
    `SCRIPT_NAME` of `/a/b` with path `/` (the start page) and plain `/a/b/` (a guide)
    would share one key. And today's date (北京时间): a page shows what is in effect
    today, so a change scheduled for tomorrow (生效日期) shows from midnight without an edit.
    """
    host = host or canonical_host(request)
    script_prefix = request.path.removesuffix(request.path_info)
    url = f"{release_id()}:{clock.today()}:{request.scheme}://{host}{script_prefix}|{request.path_info}"
    return "page:" + hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


def render_under(request, host):
    """Make the page render with `host`, the host its cache entry is stored under."""
    header = "HTTP_X_FORWARDED_HOST" if settings.USE_X_FORWARDED_HOST else "HTTP_HOST"
    request.META[header] = host


def may_use_cache(request):
    """Return whether the page cache may answer (or store) this request at all."""
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def is_cacheable(request, response):
    """Return whether `response` is the same for every anonymous visitor and may be stored."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in settings.PAGE_CACHE_URL_NAMES:
        return False
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        # `Vary: Cookie` (the view looked at the session or the user) does not stop it:
        # requests with a session cookie never get here, and without one every
        # visitor is the same anonymous user.
    )


# This worker's copy of the pages it served lately. An entry is used only while its
# version is the current one (guides/caching/version.py: Redis tells every worker when
# it changes, so an edit in any worker is seen on the next request); the copy saves
# fetching and decoding the page from Redis on each hit, so a hit asks Redis nothing.
# 512 pages of about 25 KB: about 13 MB per worker.
LOCAL_ENTRIES = 512
_local_entries = OrderedDict()


def _keep_locally(key, entry):
    _local_entries[key] = entry
    _local_entries.move_to_end(key)
    if len(_local_entries) > LOCAL_ENTRIES:
        _local_entries.popitem(last=False)


def clear_local_entries():
    """Forget this process's copies (tests clear the shared cache and this with it)."""
    _local_entries.clear()


# A stored page is JSON (guides/caching/backends.py): the body as text, so reading it can
# never run code, whatever was planted under its key.
_ENTRY_FIELDS = {"version": str, "content": str, "headers": dict, "etag": str}


def _store_shared(key, entry):
    try:
        text = entry["content"].decode()
    except UnicodeDecodeError:
        return  # not text: served, not stored
    caches["pages"].set(key, {**entry, "content": text}, timeout=settings.PAGE_CACHE_TIMEOUT)


def _shared_entry(key):
    """Return the stored page for `key` (its body as bytes), or None when missing or not a page entry."""
    stored = caches["pages"].get(key)
    if stored is None:
        return None
    if not isinstance(stored, dict) or any(not isinstance(stored.get(f), kind) for f, kind in _ENTRY_FIELDS.items()):
        logger.warning("page cache entry %s is not one this release stores: ignored", key)
        return None
    return {**stored, "content": stored["content"].encode()}


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_use_cache(request):
            response = self.get_response(request)
            self._mark_private_for_staff(request, response)
            return response
        try:
            host = canonical_host(request)
        except Exception:  # DisallowedHost: let the normal path answer 400.
            return self.get_response(request)
        if host is None:
            return self.get_response(request)
        render_under(request, host)
        key = entry_key(request, host)

        version = content_version.get_content_version()
        entry = _local_entries.get(key)
        if entry is None or entry["version"] != version:
            entry = _shared_entry(key)
            if entry is not None and entry["version"] == version:
                _keep_locally(key, entry)
        if entry is not None and entry["version"] == version:
            # The hot path: everything was worked out when the page was stored.
            response = HttpResponse(entry["content"], headers=entry["headers"])
            return self._respond(request, response, entry)

        response = self.get_response(request)
        if not is_cacheable(request, response):
            return response
        entry = self._store(key, response, version, store=request.method == "GET")
        return self._respond(request, response, entry)

    @staticmethod
    def _store(key, response, version, store=True):
        """Stamp `response` with its validators and cache headers, and store it with them (GET only)."""
        content = response.content
        last_modified = version_timestamp(version)
        response["ETag"] = '"' + hashlib.md5(content, usedforsecurity=False).hexdigest() + '"'
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE, must_revalidate=True)
        entry = {
            "version": version,
            "content": content,
            "headers": {k: v for k, v in response.items() if k.lower() not in _NOT_STORED},
            "etag": response["ETag"],
            "last_modified": last_modified,
        }
        entry["headers"]["Content-Length"] = str(len(content))
        if store:
            _store_shared(key, entry)
            _keep_locally(key, entry)
        return entry

    @staticmethod
    def _respond(request, response, entry):
        if "HTTP_IF_NONE_MATCH" not in request.META and "HTTP_IF_MODIFIED_SINCE" not in request.META:
            return response
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
        )

    @staticmethod
    def _mark_private_for_staff(request, response):
        """Keep shared caches (a CDN, a proxy) from storing what an editor saw."""
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return  # no session, so not logged in
        user = getattr(request, "user", None)
        try:
            is_staff = bool(user is not None and user.is_authenticated and user.is_staff)
        except Exception:  # The database is down: the user is unknown, so assume the worst.
            is_staff = True
        if is_staff:
            patch_cache_control(response, private=True, no_store=True)
