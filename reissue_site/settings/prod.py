"""Production settings: no default secret, HTTPS only, strict cookies."""

import os

from django.core.exceptions import ImproperlyConfigured

from reissue_site.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

# The admin lockout and the feedback rate limit count per client address. Behind a load
# balancer every request comes from the balancer, so anyone could lock a known editor
# out; production makes the operator say which it is.
_client_ip_header = os.environ.get("DJANGO_CLIENT_IP_HEADER", "").strip()
if not _client_ip_header:
    raise ImproperlyConfigured(
        "DJANGO_CLIENT_IP_HEADER must be set in production: the header holding the client's address as "
        "the load balancer saw it (e.g. HTTP_X_FORWARDED_FOR), or 'none' when clients connect to the app "
        "directly (REMOTE_ADDR is then the client)."
    )
CLIENT_IP_HEADER = "" if _client_ip_header.lower() == "none" else _client_ip_header

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
