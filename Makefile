# 证书补办指南 — the commands a newcomer needs. `make run`, then `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
FIXTURES := reference regions guide drafts offices synonyms directory

.PHONY: run test venv migrate load lint format check-migrations editor clean screenshots snapshots

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed  ## Create .venv with the pinned dependencies.

migrate: venv
	$(PY) manage.py migrate --no-input

load: migrate  ## Load (or reload) all content fixtures; safe to run twice.
	$(PY) manage.py load_content $(FIXTURES)

run: load  ## Serve the site on http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set).
	$(PY) manage.py runserver $(HOST):$(PORT)

# Test processes (pytest-xdist); live-server tests pick free ports, so any worker runs any test.
# With REDIS_URL, worker N uses Redis database 8+N (reissue_site/settings/test.py). TEST_WORKERS=0: one process.
# worksteal: a worker that runs out takes tests queued for another, so a slow test near the end leaves none idle.
TEST_WORKERS ?= 2

test: venv  ## Run the whole test suite, in random order (PostgreSQL when DATABASE_URL is set).
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

snapshots: venv  ## Rewrite tests/checker/snapshots/paths.txt (every checker path's outcome, fees, dates) after a meant change.
	UPDATE_SNAPSHOTS=1 $(PY) -m pytest -q -n 0 -p no:randomly tests/checker/test_snapshots.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: messages
messages:  ## Compile the admin wording overrides (locale/*.po → .mo; needs msgfmt from gettext). Commit the .mo.
	msgfmt --check-format -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po

check-migrations: venv
	$(PY) manage.py makemigrations --check --dry-run

editor: migrate  ## Create an editor login (prompts for a password).
	$(PY) manage.py createsuperuser

clean:
	rm -rf $(VENV) db.sqlite3 .cache staticfiles test-artifacts .pytest_cache

screenshots: venv  ## Refresh the README screenshots from the browser tests.
	REQUIRE_BROWSER=1 $(PY) -m pytest -q tests/browser
	mkdir -p docs/screenshots
	cp test-artifacts/guide-360-top.png docs/screenshots/guide-360.png
	@if [ -f test-artifacts/checker-outcome-360.png ]; then cp test-artifacts/checker-outcome-360.png docs/screenshots/checker-outcome-360.png; fi

# --- Production serving and the benchmark ---
.PHONY: serve release bench lighthouse
PROD := DJANGO_SETTINGS_MODULE=reissue_site.settings.prod

# Once per release, from one machine, before any host serves the new code (docs/operations.md):
# migrations run concurrently from several hosts fail, so `make serve` never migrates.
release: venv  ## Apply the release's migrations to the production database, once (same environment as serve).
	$(PROD) $(PY) manage.py migrate --no-input

serve: venv  ## Serve like production: gunicorn + whitenoise (needs DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL, DJANGO_ALLOWED_HOSTS); run `make release` first.
	@$(PROD) $(PY) manage.py migrate --check >/dev/null || { echo "serve: 数据库有未执行的迁移（或无法连接，见上）。请先在一台机器上运行一次 make release（docs/operations.md，发布步骤）。" >&2; exit 1; }
	$(PROD) $(PY) manage.py collectstatic --no-input
	$(PROD) $(VENV)/bin/gunicorn -c reissue_site/gunicorn.conf.py

bench: venv  ## Benchmark the production stack on PostgreSQL + Redis (DATABASE_URL, REDIS_URL); about 3 minutes.
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py

lighthouse: venv  ## Lighthouse (mobile) scores per page type on the production stack (DATABASE_URL, REDIS_URL; needs npm).
	$(PY) bench/lighthouse.py
