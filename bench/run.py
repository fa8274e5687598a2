"""The project's benchmark: `make bench`.

Starts the production server (gunicorn, 2 workers, production settings) on
PostgreSQL with Redis, warms it up, drives load with wrk (one thread) from a separate
process and prints, in one run:

- requests/s and p50/p99 latency for a static file (the floor of this stack),
  a cached guide page, an uncached guide page and a checker outcome, each as a
  ratio to the static file;
- SQL queries per uncached and cached guide page (bench/measure.py);
- HTML bytes and gzipped CSS+JS bytes of a guide page;
- a bounded soak: 50 connections for 60 s over a mix of pages, counting errors
  and 5xx answers.

Everything is on loopback and stops by itself; the server is killed at the end.
Exit status 1 when a target is missed.
"""

import datetime
import gzip
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WRK = os.environ.get("WRK", "/usr/bin/wrk")
PORT = int(os.environ.get("BENCH_PORT", "8502"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = os.environ.get("BENCH_DURATION", "5s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
SOAK_CONNECTIONS = int(os.environ.get("BENCH_SOAK_CONNECTIONS", "50"))
SOAK_DURATION = os.environ.get("BENCH_SOAK_DURATION", "60s")
OUT = ROOT / "test-artifacts" / "bench"
GUIDE = "/guides/skill-certificate/lost/guangdong/"
# The content `make run` loads (settings.CONTENT_FIXTURES; this script runs outside Django).
FIXTURES = ["reference", "regions", "guide", "drafts", "offices", "synonyms", "directory"]
# The production settings redirect plain HTTP to HTTPS; the load balancer in front says
# the client spoke HTTPS, as it would in production.
HEADERS = {"X-Forwarded-Proto": "https"}

TARGETS = {
    "cached_ratio": 0.9,
    "uncached_ratio": 0.3,
    "checker_ratio": 0.25,
    "uncached_queries": 10,
    "cached_queries": 0,
    "html_bytes": 60 * 1024,
    "css_js_gzip_bytes": 40 * 1024,
}


def environment():
    env = dict(os.environ)
    if not env.get("DATABASE_URL", "").startswith("postgres") or not env.get("REDIS_URL", "").startswith("redis"):
        raise SystemExit(
            "make bench measures the production stack: set DATABASE_URL=postgres://… (the content "
            "fixtures are loaded into it) and REDIS_URL=redis://…/N (a database number of its own)"
        )
    env.update(
        DJANGO_SETTINGS_MODULE="reissue_site.settings.prod",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_CLIENT_IP_HEADER=env.get("DJANGO_CLIENT_IP_HEADER") or "none",  # wrk connects directly
        CACHE_KEY_PREFIX="bench",
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        WEB_CONCURRENCY="2",
        # No worker recycling mid-run: a replaced worker would take its CPU count with it.
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESSLOG=str(OUT / "access.log"),
        GUNICORN_ERRORLOG=str(OUT / "error.log"),
    )
    return env


def manage(env, *args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def fetch(path, headers=None):
    request = urllib.request.Request(BASE + path, headers={**HEADERS, **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.url != request.full_url:
            # wrk does not follow redirects: it would measure the redirect, not the page.
            raise SystemExit(f"{path} redirects to {response.url}: measure the page itself")
        return response.status, dict(response.headers), response.read()


def wait_healthy(server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {OUT / 'error.log'}")
        try:
            if fetch("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become healthy")


def worker_cpu_seconds(master_pid):
    """Return the CPU time (user + system) the server's worker processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def wrk(path, *, connections=CONNECTIONS, duration=DURATION, script=None):
    """Run wrk against `path` and return its parsed figures."""
    command = [WRK, "-t", "1", "-c", str(connections), "-d", duration, "--latency", "--timeout", "10s"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    command.append(BASE + path)
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return parse_wrk(text)


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(text):
    figures = {"text": text}
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    figures["requests"] = int(re.search(r"(\d+) requests in", text).group(1))
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        figures[f"p{pct}"] = _ms(*m.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    figures["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    figures["socket_errors"] = sum(int(n) for n in socket.groups()) if socket else 0
    five = re.search(r"^5xx (\d+)$", text, re.M)
    figures["5xx"] = int(five.group(1)) if five else None
    return figures


def asset_sizes(html):
    """Return (HTML bytes, gzipped bytes of the page's CSS and JS as the server sends them)."""
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', html)
    total = 0
    for url in assets:
        _, headers, body = fetch(url, {"Accept-Encoding": "gzip"})
        total += len(body) if headers.get("Content-Encoding") == "gzip" else len(gzip.compress(body, 9))
    return len(html.encode()), total, assets


def checker_path():
    """Return the checker outcome path to measure: BENCH_CHECKER_PATH, or the issue's own example.

    The example is a lost 职称 certificate issued in 北京, applied for in 广东, urgent,
    by post, submitted today.
    """
    default = (
        "/check/result/?cert=professional-title&reason=lost"
        "&identity-unchanged=yes&issued-in=110000&living-in=440000"
        f"&urgent=title-review&delivery=mail&date={datetime.date.today():%Y-%m-%d}"
    )
    return os.environ.get("BENCH_CHECKER_PATH") or default


def ensure_database(url):
    """Create the benchmark's PostgreSQL database if it is missing (a new machine has none)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(url)
    params = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"== created database {db['NAME']}")


def main():
    if not Path(WRK).exists():
        raise SystemExit(f"{WRK} is missing: apt-get install wrk")
    env = environment()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"== preparing PostgreSQL ({env['DATABASE_URL']}), Redis ({env['REDIS_URL']}) and static files")
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input")
    manage(env, "load_content", *FIXTURES)
    manage(env, "collectstatic", "--no-input", "--clear")

    print("== SQL queries per guide page (bench/measure.py)")
    measured = subprocess.run(
        [PY, str(ROOT / "bench" / "measure.py"), GUIDE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    queries = dict(line.split("=", 1) for line in measured.split())
    queries = {k: float(v) if "." in v else int(v) for k, v in queries.items()}

    print(f"== starting gunicorn (2 workers, production settings) on {BASE}")
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "reissue_site/gunicorn.conf.py"], cwd=ROOT, env=env, start_new_session=True
    )
    failures = []
    try:
        wait_healthy(server)
        _, _, body = fetch(GUIDE)
        html = body.decode()
        html_bytes, css_js_gzip, assets = asset_sizes(html)
        static = next(a for a in assets if a.endswith(".css") and "site" in a)
        paths = {
            "static file": static,
            "cached guide page": GUIDE,
            # Any query string bypasses the page cache, so every request runs the view and
            # renders the template; the assembled guide comes from the guide cache.
            "uncached guide page": GUIDE + "?bench=uncached",
            "checker outcome": checker_path(),
        }

        print(f"== warming up, then {ROUNDS} interleaved rounds of {DURATION} per URL at {CONNECTIONS} connections")
        for path in paths.values():
            fetch(path)
            wrk(path, duration="3s")
        rounds = {label: [] for label in paths}
        for _ in range(ROUNDS):
            for label, path in paths.items():
                before = worker_cpu_seconds(server.pid)
                run = wrk(path)
                run["cpu_ms"] = (worker_cpu_seconds(server.pid) - before) * 1000 / max(run["requests"], 1)
                rounds[label].append(run)
        # The median round of each URL: other work on the machine comes and goes, and
        # interleaving the URLs spreads it evenly over them.
        results = {label: sorted(runs, key=lambda r: r["rps"])[len(runs) // 2] for label, runs in rounds.items()}
        for label, runs in rounds.items():
            results[label]["non2xx"] = sum(r["non2xx"] for r in runs)
            results[label]["socket_errors"] = sum(r["socket_errors"] for r in runs)
            # Server CPU per request, over all rounds: unlike req/s, it hardly moves with other load.
            results[label]["cpu_ms"] = sum(r["cpu_ms"] * r["requests"] for r in runs) / sum(r["requests"] for r in runs)

        print(f"== soak: {SOAK_CONNECTIONS} connections for {SOAK_DURATION} over a mix of pages")
        soak = wrk("/", connections=SOAK_CONNECTIONS, duration=SOAK_DURATION, script=ROOT / "bench" / "soak.lua")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    floor = results["static file"]["rps"]
    print()
    floor_cpu = results["static file"]["cpu_ms"]
    print(
        f"{'URL':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'÷static':>9}{'errors':>8}{'CPU ms/req':>12}{'÷static':>9}"
    )
    for label, r in results.items():
        errors = r["non2xx"] + r["socket_errors"]
        print(
            f"{label:<22}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['rps'] / floor:>9.2f}{errors:>8}"
            f"{r['cpu_ms']:>12.2f}{floor_cpu / r['cpu_ms']:>9.2f}"
        )
        if errors:
            failures.append(f"{label}: {errors} errors")
    print()
    print(
        f"SQL queries per guide page: uncached {queries['uncached']} (page and guide caches cold); "
        f"first page after a content edit {queries['edit']} (reference rows too); "
        f"page cache bypassed, guide cached {queries['rendered']}; cached {queries['cached']}"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end (other work skews req/s)")
    print(f"render with every cache cold (after a content edit): {queries['edit_ms']:.1f} ms in-process")
    print(f"guide page HTML: {html_bytes} bytes; CSS+JS gzipped: {css_js_gzip} bytes ({', '.join(assets)})")
    soak_errors = soak["non2xx"] + soak["socket_errors"]
    print(
        f"soak: {soak['requests']} requests in {SOAK_DURATION} at {SOAK_CONNECTIONS} connections, "
        f"{soak['rps']:.0f} req/s, p50 {soak['p50']:.2f} ms, p99 {soak['p99']:.2f} ms, "
        f"{soak_errors} errors, {soak['5xx']} 5xx"
    )

    checks = [
        ("cached ÷ static", results["cached guide page"]["rps"] / floor, ">=", TARGETS["cached_ratio"]),
        ("uncached ÷ static", results["uncached guide page"]["rps"] / floor, ">=", TARGETS["uncached_ratio"]),
        ("checker ÷ static", results["checker outcome"]["rps"] / floor, ">=", TARGETS["checker_ratio"]),
        ("queries uncached", queries["uncached"], "<=", TARGETS["uncached_queries"]),
        ("queries cached", queries["cached"], "<=", TARGETS["cached_queries"]),
        ("HTML bytes", html_bytes, "<=", TARGETS["html_bytes"]),
        ("CSS+JS gzip bytes", css_js_gzip, "<=", TARGETS["css_js_gzip_bytes"]),
        ("soak errors + 5xx", soak_errors + (soak["5xx"] or 0), "<=", 0),
    ]
    print()
    for name, value, op, target in checks:
        ok = value >= target if op == ">=" else value <= target
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {shown} (target {op} {target})")
        if not ok:
            failures.append(name)
    if failures:
        print("missed:", "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
