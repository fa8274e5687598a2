"""The release: a token for the code that reads and writes the cache.

Cached objects are pickled Python objects (an assembled `Guide`, the catalogue's
model rows) and cached pages name hashed static files, so one release must never
read what another stored: a class that gained a field would fail on the old
object (`AttributeError: 'Guide' object has no attribute 'offices'`). Every cache
key therefore carries the release (guides/caching/versioned.py, page_cache.py).

The release is a digest of what shapes those objects and pages: the app's code,
the project's settings, the templates, the static sources and the pinned
requirements, plus the Python version. Hosts running the same code compute the
same token and share the cache; a deploy that changes any of it starts on
fresh keys, with no step for the operator to forget. Hashing the ~130 files
takes about 5 ms, once per process.
"""

import functools
import hashlib
import sys

from django.conf import settings
from django.dispatch import receiver
from django.utils.autoreload import file_changed

# Relative to BASE_DIR: directories are read whole (every file under them), files as they are.
SOURCES = ("guides", "reissue_site", "templates", "static", "requirements.txt")
_SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def release_id():
    """Return the token of this release (`settings.CACHE_RELEASE` when set, for tests)."""
    # settings.BASE_DIR is a Path: a new Path per call would cost more than the cached digest.
    return getattr(settings, "CACHE_RELEASE", "") or source_digest(settings.BASE_DIR)


@functools.cache
def source_digest(root):
    """Return a short digest of the release's files under `root` (see SOURCES) and the Python version."""
    digest = hashlib.sha256(sys.version.encode())
    for name in SOURCES:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix in _SKIPPED_SUFFIXES or "__pycache__" in file.parts or not file.is_file():
                continue
            digest.update(str(file.relative_to(root)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@receiver(file_changed)
def _new_release_on_change(sender, file_path, **kwargs):
    """Under the development server, a changed file is a new release, as after a deploy.

    Django's autoreloader restarts the server for a changed Python file, but not for a
    template (it reloads the templates in place) or a static file: without this, `make run`
    kept serving the page cache's copy rendered before the edit.
    """
    source_digest.cache_clear()
