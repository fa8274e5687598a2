"""Count SQL queries for one guide page under production settings (run by bench/run.py).

Prints `edit=N uncached=N rendered=N cached=N edit_ms=F`:
- edit: the first page anyone requests right after a content edit (every cache cold);
- uncached: a guide page missing from the page and guide caches, the reference rows
  already read by an earlier page (the usual page-cache miss after an edit);
- rendered: the page cache bypassed (a query string), the assembled guide cached;
- cached: served from the page cache;
- edit_ms: mean time to render the page with every cache cold, in this process.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def get(client, path):
    response = client.get(path, HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200, (path, response.status_code)


def count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        get(client, path)
    return len(ctx)


def main(path):
    django.setup()
    from guides.caching.version import bump_content_version

    client = Client()
    bump_content_version()
    edit = count(client, path + "?bench=edit")
    bump_content_version()
    get(client, "/")  # another page reads the reference rows first
    uncached = count(client, path + "?bench=uncached")
    rendered = count(client, path + "?bench=rendered")
    get(client, path)  # store the page
    cached = count(client, path)

    started, runs = time.perf_counter(), 10
    for _ in range(runs):
        bump_content_version()
        get(client, path + "?bench=timing")
    edit_ms = (time.perf_counter() - started) / runs * 1000
    print(f"edit={edit} uncached={uncached} rendered={rendered} cached={cached} edit_ms={edit_ms:.1f}")


if __name__ == "__main__":
    main(sys.argv[1])
