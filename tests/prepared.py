"""SQLite databases made once per state of the code and fixtures, and copied afterwards.

Migrating a new database (about 9 s of CPU on SQLite) and loading the content (about 2 s)
are the same work every time the code and fixtures are the same. A database made that way
is kept in `.pytest_cache/prepared-databases/`, named by a hash of everything that shapes
it, and later tests copy it: the test database of each pytest worker (tests/conftest.py)
and the live servers' database (tests/servers.py). Any change to the code under `guides/`
or `reissue_site/`, to `fixtures/` or to requirements.txt makes a new one, so a copy never
holds what the code of now would not make. `rm -r .pytest_cache` forgets them all.
"""

import hashlib
import os
import sqlite3
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
KEPT = BASE_DIR / ".pytest_cache" / "prepared-databases"
SHAPING = ("guides", "reissue_site", "fixtures")


def _digest(extra):
    digest = hashlib.sha256()
    sources = [BASE_DIR / "requirements.txt"]
    for folder in SHAPING:
        sources += sorted(p for p in (BASE_DIR / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sources:
        digest.update(str(path.relative_to(BASE_DIR)).encode() + b"\0" + path.read_bytes())
    digest.update(repr(extra).encode())
    return digest.hexdigest()[:16]


def kept_path(kind, *extra):
    """Return where the `kind` database made by today's code, fixtures and `extra` is kept (it may not exist yet)."""
    return KEPT / f"{kind}-{_digest(extra)}.sqlite3"


def keep(source, path):
    """Keep a copy of the SQLite database `source` (a connection or a file path) at `path`.

    Written aside and renamed, so another worker never reads half a file; what older code
    made under the same kind is removed (not another worker's copy in progress: same name).
    """
    KEPT.mkdir(parents=True, exist_ok=True)
    kind = path.name.rsplit("-", 1)[0]
    for older in KEPT.glob(f"{kind}-*"):
        if older.name.split(".", 1)[0] != path.stem:
            older.unlink(missing_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.unlink(missing_ok=True)
    _backup(source, partial)
    partial.replace(path)


def copy_into(path, target):
    """Replace everything in the SQLite database `target` (a connection or a file path) with the kept one at `path`."""
    _backup(path, target)


def _backup(source, target):
    """Copy the SQLite database `source` over `target`; each is an open connection or a file path."""
    opened = []

    def connect(db):
        if isinstance(db, (str, Path)):
            opened.append(sqlite3.connect(db))
            return opened[-1]
        return db

    try:
        connect(source).backup(connect(target))
    finally:
        for connection in opened:
            connection.close()
