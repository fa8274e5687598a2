"""Test settings: fast hashing, local cache by default, plain static storage."""

import os

import jinja2

from reissue_site.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not os.environ.get("REDIS_URL"):
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", "pages", "state")
    }
elif os.environ.get("PYTEST_XDIST_WORKER"):
    # Under `pytest -n N` every test empties the caches (tests/conftest.py, by deleting their
    # keys: tests/cachetools.py): each worker (gw0, gw1, …) gets a Redis database of its own,
    # 8 + its number, so they cannot empty each other's. (Database 2 is
    # tests/caching/test_breaker.py's.)
    from urllib.parse import urlsplit, urlunsplit

    _worker_db = 8 + int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    for _alias in CACHES.values():  # noqa: F405
        _alias["LOCATION"] = urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{_worker_db}"))  # noqa: F405
WHITENOISE_AUTOREFRESH = True

# A misspelt template variable fails the test instead of rendering as nothing (as it
# does in production: reissue_site/jinja2.py). Optional variables say so in the
# template, with `is defined` or `|default`.
TEMPLATES = [dict(engine) for engine in TEMPLATES]  # noqa: F405
TEMPLATES[0]["OPTIONS"] = {**TEMPLATES[0]["OPTIONS"], "undefined": jinja2.StrictUndefined}
