"""Migrations are a release step, run once: `make serve` (on every host) never migrates (issue 20, point 12)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def make(target, tmp_path, *flags):
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CLIENT_IP_HEADER": "none",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'release.sqlite3'}",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "PY": sys.executable,
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        ["make", "--no-print-directory", *flags, target, f"PY={sys.executable}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tables(tmp_path):
    path = tmp_path / "release.sqlite3"
    if not path.exists():
        return set()
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_serve_does_not_migrate(tmp_path):
    commands = make("serve", tmp_path, "-n").stdout
    assert "migrate --no-input" not in commands
    assert "migrate --check" in commands
    assert "manage.py migrate --no-input" in make("release", tmp_path, "-n").stdout


def test_serve_refuses_an_unmigrated_database_and_release_migrates_it(tmp_path):
    refused = make("serve", tmp_path)
    assert refused.returncode != 0
    assert "make release" in refused.stderr
    assert "guides_certificatetype" not in tables(tmp_path)  # serve changed nothing, and started nothing

    released = make("release", tmp_path)
    assert released.returncode == 0, released.stderr
    assert "guides_certificatetype" in tables(tmp_path)
