"""Settings shared by every environment; everything comes from the environment."""

import hashlib
import os
from pathlib import Path

import dj_database_url

from guides.caching.backends import cache_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    """Return an environment variable read as a boolean ("1", "true", "yes")."""
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Return a comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "guides.apps.GuidesAdminConfig",  # django.contrib.admin on our admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "guides",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole-page cache hits skip everything below, database included (so they
    # survive an outage); the headers the middleware under it add are stored with
    # the page and replayed on every hit.
    "guides.caching.version.ContentVersionMiddleware",
    "guides.caching.page_cache.PageCacheMiddleware",
    "guides.web.security.CSPMiddleware",  # django-csp's, its fixed policy built once
    "guides.web.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # %00 in an admin query parameter: 400, before it can reach the database.
    "guides.web.security.RejectNulBytesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reissue_site.urls"
WSGI_APPLICATION = "reissue_site.wsgi.application"

# The site's pages are Jinja2 templates in templates/ (reissue_site/jinja2.py says why);
# the Django template engine renders the admin, its overrides in templates/admin/
# and crispy-forms' form templates.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "reissue_site.jinja2.environment"},
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default so a newcomer needs nothing running;
# DATABASE_URL=postgres://… switches to PostgreSQL through psycopg 3.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")


def cache_key_prefix(database, allowed_hosts):
    """Return the cache key prefix: DJANGO_CACHE_KEY_PREFIX, or one derived from the deployment.

    Two deployments that share a Redis database must not read each other's pages or
    content version. Each has a database of its own, so by default the prefix is a
    digest of the database's engine, host, port and name, and of the site's host names.
    """
    explicit = os.environ.get("DJANGO_CACHE_KEY_PREFIX") or os.environ.get("CACHE_KEY_PREFIX")
    if explicit:
        return explicit
    identity = "|".join(
        [*(str(database.get(k) or "") for k in ("ENGINE", "HOST", "PORT", "NAME")), ",".join(sorted(allowed_hosts))]
    )
    return "reissue-" + hashlib.sha256(identity.encode()).hexdigest()[:10]


CACHE_KEY_PREFIX = cache_key_prefix(DATABASES["default"], ALLOWED_HOSTS)
# Every cache key names the release that wrote it: empty means a digest of this checkout's
# code, templates and requirements (guides/caching/release.py); tests set it to play a deploy.
CACHE_RELEASE = ""
# Three aliases, apart by what they hold (guides/caching/backends.py, docs/operations.md):
# Redis when REDIS_URL is set (more than one host needs it), else directories on local
# disk that every process on this host shares (runserver, `make load`, each gunicorn
# worker), so an edit made by any of them shows on the next request. A hung or failing
# Redis costs cache misses for a while, not slow pages (guides/caching/breaker.py).
CACHES = cache_settings(
    redis_url=REDIS_URL,
    cache_dir=Path(os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache" / "django"))),
    key_prefix=CACHE_KEY_PREFIX,
)

# Admin login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username from one address, that pair is locked out for AXES_COOLOFF_TIME hours.
AUTHENTICATION_BACKENDS = [
    "guides.admin.auth_backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_CLIENT_IP_CALLABLE = "guides.clients.client_address"

# Behind a load balancer, the request header holding the client's address as the
# balancer saw it (e.g. HTTP_X_FORWARDED_FOR; its last entry is used). Without it the
# feedback rate limit and the login lockout would count every visitor as the balancer.
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Project wording of a few of Django's admin phrases (locale/zh_Hans/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
CONTENT_FIXTURES = ["reference", "regions", "guide", "drafts", "offices", "synonyms", "directory"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Serving: security headers, page cache, faults -----------------------------
# A strict policy: no inline script or style anywhere, nothing from another origin.
# JSON-LD blocks are data, not script, so they need no exception.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": [],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws the select arrow and checkboxes as data: SVG images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
SESSION_COOKIE_HTTPONLY = True
# /healthz answers the load balancer over plain HTTP, even where HTTPS is enforced.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Whole-page cache for anonymous GETs of these URL names (guides/caching/page_cache.py).
PAGE_CACHE_URL_NAMES = ["guides:home", "guides:certificate", "guides:guide", "guides:guide_region", "sitemap", "robots"]
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", str(60 * 60 * 24)))
# 0: browsers and CDNs may store guide pages but revalidate every view with the
# ETag (a cheap 304), so an editor's change is seen on the very next view.
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "0"))
# Fail fast when PostgreSQL is unreachable, so a fault becomes a 503 in seconds, not a hung worker.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
# SQLite: a transaction takes the write lock when it begins, so two admin saves queue
# instead of both passing the stale-save check (guides/admin/common.py) and one
# failing with "database is locked"; the second then sees the first and is refused.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
