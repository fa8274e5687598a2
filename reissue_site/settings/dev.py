"""Development settings: SQLite and a file cache shared by every process on this host (DJANGO_CACHE_DIR) unless the environment says otherwise."""

import os

from reissue_site.settings.base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", default=True)  # noqa: F405
# Development only: a fixed key so `make run` needs no set-up; prod.py has no default.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-not-secret"
# Serve hashed static files through whitenoise without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
