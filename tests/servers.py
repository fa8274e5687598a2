"""Real server processes for end-to-end tests: gunicorn on a file database and a shared cache.

`SiteServers` prepares a fresh SQLite file with the content fixtures and an editor
login, then starts one gunicorn process per port, all sharing that database and
the Redis cache named by REDIS_URL — as a multi-host deployment would — or, with no
Redis URL, the embedded default's cache directory, as `make run` and the workers of
one host do.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings

from tests import prepared

BASE_DIR = Path(settings.BASE_DIR)
EDITOR = ("bianji", "editor-pass-2026")
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_ports(count):
    """Return `count` ports nothing listens on now, so no other test's server (or a stale one) answers them."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def shared_redis_url():
    """Return the Redis URL the servers share, or "" when none is configured or reachable."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return ""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return ""
    return url


class SiteServers:
    def __init__(self, tmp_path, ports, redis_url):
        self.ports = ports
        self.env = {
            **os.environ,
            # dev settings: whitenoise serves admin and site static files through the finders.
            "DJANGO_SETTINGS_MODULE": "reissue_site.settings.dev",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
            "REDIS_URL": redis_url,
            # Without REDIS_URL: the embedded default, a cache directory the processes share.
            "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
            # A prefix of its own, so the test process's cache.clear() cannot touch it.
            "CACHE_KEY_PREFIX": f"live-{uuid.uuid4().hex[:8]}",
            "PYTHONUNBUFFERED": "1",
        }
        self.log_dir = tmp_path
        self.processes = []
        self.real_ports = {}

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env, check=True, capture_output=True
        )

    def prepare(self):
        """Give the servers a migrated database with the content and the editor's login.

        Three `manage.py` processes make it (about 12 s of CPU); later tests copy the one
        made from the same code and fixtures (tests/prepared.py).
        """
        database = Path(self.env["DATABASE_URL"].removeprefix("sqlite:///"))
        kept = prepared.kept_path("site", settings.CONTENT_FIXTURES, EDITOR)
        if kept.exists():
            prepared.copy_into(kept, database)
            return
        self.manage("migrate", "--no-input", "-v0")
        self.manage("load_content", *settings.CONTENT_FIXTURES, "-v0")
        username, password = EDITOR
        self.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User;"
            f"u = User.objects.create_user({username!r}, password={password!r}, is_staff=True);"
            "u.groups.add(Group.objects.get(name='编辑'))",
        )
        prepared.keep(database, kept)

    def start(self, command=None):
        """Start one server per name in `ports`: gunicorn with one worker, or `command` (given the port).

        Each gets a port free at this moment (see `url`), so a server of another test, in
        this process or another worker, never answers for it.
        """
        self.real_ports = dict(zip(self.ports, free_ports(len(self.ports)), strict=True))
        for name, port in self.real_ports.items():
            log = open(self.log_dir / f"server-{name}.log", "w")  # noqa: SIM115 - closed in stop()
            args = (
                command(port)
                if command
                else [str(GUNICORN), "reissue_site.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--access-logfile", "-"]
            )
            process = subprocess.Popen(
                args,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group: stop() ends gunicorn's workers too, not only the master.
                start_new_session=True,
            )
            self.processes.append((process, log))
        for (process, _log), port in zip(self.processes, self.real_ports.values(), strict=True):
            wait_for_port(port, process)

    def stop(self):
        for process, log in self.processes:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
            log.close()
        for port in self.real_ports.values():
            wait_for_port_free(port)

    def url(self, name, path):
        return f"http://127.0.0.1:{self.real_ports[name]}{path}"

    def __enter__(self):
        self.prepare()
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def _signal_group(process, sig):
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, sig)


def wait_for_port_free(port, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"a server on port {port} did not stop")


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for port {port} exited (code {process.returncode}); see its log")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")
