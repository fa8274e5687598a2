"""How soon every worker serves a page under the new content version: `python bench/freshness.py`.

Starts the production server as `make bench` does (same DATABASE_URL and REDIS_URL; run
`make bench` once first, it loads the content), fills every worker's copy of the guide
page, then `BUMPS` times: bumps the content version from another process, as an editor's
save does (`bump_content_version()` in `manage.py shell`), and at once asks for the
page `REQUESTS` times over fresh connections, which the workers take in turn. Every
answer must carry the new version's `Last-Modified`: a stale one means a worker
served the old page after the save. Prints the stale count and how long the first
answers took after the save returned. Exit status 1 on any stale answer.
"""

import signal
import subprocess
import sys
import time

from run import BASE, GUIDE, OUT, PY, ROOT, environment, fetch, wait_healthy

BUMPS = 10
REQUESTS = 20
BUMP = "from guides.caching.version import bump_content_version; bump_content_version()"


def last_modified():
    return fetch(GUIDE)[1]["Last-Modified"]


def main():
    env = environment()
    OUT.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "reissue_site/gunicorn.conf.py"], cwd=ROOT, env=env, start_new_session=True
    )
    stale = 0
    first_ms = []
    try:
        wait_healthy(server)
        for _ in range(REQUESTS):
            last_modified()
        for _ in range(BUMPS):
            before = last_modified()
            time.sleep(1.1)  # Last-Modified counts seconds: the new version's must differ
            subprocess.run([PY, "manage.py", "shell", "-c", BUMP], cwd=ROOT, env=env, check=True, capture_output=True)
            saved = time.monotonic()
            seen = [last_modified() for _ in range(REQUESTS)]
            first_ms.append((time.monotonic() - saved) * 1000 / REQUESTS)
            stale += sum(value == before for value in seen)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"{BUMPS} saves, {REQUESTS} requests right after each on {BASE}: {stale} stale answers; "
        f"mean request time after a save {sum(first_ms) / len(first_ms):.1f} ms"
    )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
