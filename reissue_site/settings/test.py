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
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WHITENOISE_AUTOREFRESH = True

# A misspelt template variable fails the test instead of rendering as nothing (as it
# does in production: reissue_site/jinja2.py). Optional variables say so in the
# template, with `is defined` or `|default`.
TEMPLATES = [dict(engine) for engine in TEMPLATES]  # noqa: F405
TEMPLATES[0]["OPTIONS"] = {**TEMPLATES[0]["OPTIONS"], "undefined": jinja2.StrictUndefined}
