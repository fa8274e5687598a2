"""Lighthouse (mobile) scores for each page type: `make lighthouse`.

Starts the production server as `make bench` does (gunicorn, production settings,
PostgreSQL and Redis), runs Google's Lighthouse from npm in the system Chromium
against one page of each type, prints the four category scores and the paint
timings, and exits 1 when a page misses the budget: performance >= 95,
accessibility 100, best practices >= 95, SEO 100. Pages that are deliberately
`noindex` (checker questions and outcomes, search results) fail Lighthouse's
"is crawlable" audit by design, so their SEO score is shown but not judged.

Lighthouse is installed with npm into .lighthouse/ on first use (not committed).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_PORT", "8504")

import run as bench  # noqa: E402

LIGHTHOUSE_VERSION = "12"
TOOL_DIR = bench.ROOT / ".lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
BUDGET = {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 100}
# (label, path, indexable)
PAGES = [
    ("start page", "/", True),
    ("certificate overview", "/guides/professional-title/", True),
    ("guide page", bench.GUIDE, True),
    ("checker question", "/check/cert/", False),
    ("checker outcome", None, False),  # bench.checker_path(): today's date
    ("search results", "/search/?q=%E8%AF%81%E4%B9%A6%E4%B8%A2%E4%BA%86", False),
]


def lighthouse_binary():
    binary = TOOL_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            raise SystemExit("npm is needed to install Lighthouse (apt-get install npm)")
        print(f"== installing lighthouse@{LIGHTHOUSE_VERSION} into {TOOL_DIR}")
        TOOL_DIR.mkdir(exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(TOOL_DIR), f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True
        )
    return binary


def audit(binary, url):
    """Run Lighthouse on `url` and return its JSON report."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        done = subprocess.run(
            [
                str(binary),
                url,
                "--quiet",
                "--form-factor=mobile",
                "--output=json",
                f"--output-path={out.name}",
                f"--chrome-flags={CHROME_FLAGS}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
        )
        if done.returncode:
            return {"runtimeError": {"message": f"lighthouse exited {done.returncode}: {done.stderr.strip()[-500:]}"}}
        return json.loads(Path(out.name).read_text())


def main():
    binary = lighthouse_binary()
    # Plain HTTP on loopback: Lighthouse fetches robots.txt itself, without any header that
    # would tell the server the client spoke HTTPS, so the HTTPS redirect is off here.
    env = {**bench.environment(), "DJANGO_SECURE_SSL_REDIRECT": "0"}
    bench.OUT.mkdir(parents=True, exist_ok=True)
    print(f"== preparing PostgreSQL ({env['DATABASE_URL']}), Redis ({env['REDIS_URL']}) and static files")
    bench.manage(env, "migrate", "--no-input")
    bench.manage(env, "load_content", *bench.FIXTURES)
    bench.manage(env, "collectstatic", "--no-input", "--clear")
    server = subprocess.Popen(
        [bench.PY, "-m", "gunicorn", "-c", "reissue_site/gunicorn.conf.py"],
        cwd=bench.ROOT,
        env=env,
        start_new_session=True,
    )
    misses = []
    try:
        bench.wait_healthy(server)
        print(f"{'page':<22}{'perf':>6}{'a11y':>6}{'best':>6}{'seo':>6}{'FCP':>8}{'LCP':>8}{'TBT':>8}{'CLS':>6}")
        for label, path, indexable in PAGES:
            report = audit(binary, bench.BASE + (path or bench.checker_path()))
            if report.get("runtimeError"):
                misses.append(f"{label}: {report['runtimeError']['message']}")
                continue
            scores = {key: round(category["score"] * 100) for key, category in report["categories"].items()}
            timings = [
                report["audits"][name]["displayValue"]
                for name in (
                    "first-contentful-paint",
                    "largest-contentful-paint",
                    "total-blocking-time",
                    "cumulative-layout-shift",
                )
            ]
            seo = f"{scores['seo']}" if indexable else f"({scores['seo']})"
            print(
                f"{label:<22}{scores['performance']:>6}{scores['accessibility']:>6}{scores['best-practices']:>6}"
                f"{seo:>6}" + "".join(f"{t:>8}" for t in timings[:3]) + f"{timings[3]:>6}"
            )
            for key, floor in BUDGET.items():
                if key == "seo" and not indexable:
                    continue
                if scores[key] < floor:
                    misses.append(f"{label}: {key} {scores[key]} < {floor}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print("(SEO in brackets: a noindex page, not judged)")
    if misses:
        print("missed:", "; ".join(misses))
        return 1
    print("PASS  every page within the Lighthouse budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
