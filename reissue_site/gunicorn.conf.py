"""Gunicorn settings for `make serve` and `make bench`; every value can be overridden from the environment.

Run: gunicorn -c reissue_site/gunicorn.conf.py reissue_site.wsgi
Static files are served by whitenoise inside the same workers.
"""

import multiprocessing
import os

wsgi_app = "reissue_site.wsgi:application"
raw_env = [f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', 'reissue_site.settings.prod')}"]

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages render in Python and wait on PostgreSQL or Redis only briefly: processes, not threads.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never builds up; jitter avoids all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "1000"))
# Each worker opens its own database and Redis connections after forking.
preload_app = False

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)ss'
# The load balancer terminates TLS and says so in X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# A trusted peer may set no WSGI variable by header unless named here: a `SCRIPT_NAME`
# header shortens the path Django resolves, and nothing in front of us strips it. Set
# GUNICORN_FORWARDER_HEADERS=SCRIPT_NAME only when the proxy mounts the site under a prefix.
forwarder_headers = os.environ.get("GUNICORN_FORWARDER_HEADERS", "")
# Pasted search URLs of 500 Chinese characters are ~4.5 KB: over the default 4094 bytes, gunicorn
# would answer 414 before Django could say "只按前 100 个字搜索". 8190 is the most gunicorn allows.
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", "8190"))
