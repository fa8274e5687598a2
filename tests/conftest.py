"""Shared fixtures.

The real content is loaded ONCE per test session, into the test database right after
it is migrated (`django_db_setup` below), instead of once per test: loading it is
by far the slowest thing the suite does. What each test sees is unchanged:

* a test that asks for `content` gets the real content. Ordinary (`db`) tests run
  inside a transaction that is rolled back, so whatever they change is undone;
* any other test that uses the database gets an EMPTY database, as before: the
  content tables are emptied at its start (inside its transaction, so rolled back);
* on SQLite, the migrated test database with the content loaded is kept once made
  (tests/prepared.py, named by a hash of the code and fixtures); a later session with
  the same code copies it instead of migrating and loading again;
* a transactional test (`transactional_db`, `live_server`, `django_db(transaction=True)`)
  commits, and pytest-django flushes every table when it ends. So after each one every
  table is put back as it was once the content was loaded (`pytest_runtest_teardown`:
  the rows are copied at the session's start and written back, much quicker than
  loading the content again), and the next test finds it as loaded, whichever order
  the tests run in.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.template.backends import jinja2 as jinja2_backend
from django.test import Client
from django.test.signals import template_rendered

from guides.caching import breaker, counters, fragments, local_cache, page_cache, version
from tests import cachetools, prepared


class _Session:
    blocker = None  # pytest-django's database blocker, once the test database exists
    content_tables = ()  # the tables `load_content` fills, emptied for tests that want no content
    rows = {}  # {table: (columns, rows)} of every table once the content is loaded
    kept = None  # SQLite: the kept test database this session copies (tests/prepared.py), if there is one


_session = _Session()
_TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}
_DB_FIXTURES = _TRANSACTIONAL_FIXTURES | {"db"}


def _load_content():
    call_command("load_content", *settings.CONTENT_FIXTURES, verbosity=0)


def _copy_rows():
    """Return {table: (columns, rows)} of every table, as the database driver reads them."""
    quote = connection.ops.quote_name
    copied = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            copied[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return copied


def _write_back(copied):
    """Make every table hold exactly the rows `_copy_rows` read (primary keys included)."""
    quote = connection.ops.quote_name
    # Foreign keys are checked at commit (see `_empty_content_tables`), when every row is back.
    with transaction.atomic(), connection.cursor() as cursor:
        for table in copied:
            cursor.execute(f"DELETE FROM {quote(table)}")
        for table, (columns, rows) in copied.items():
            if rows:
                names = ", ".join(quote(column) for column in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
        # Rows went in with their ids, which a sequence does not see: after a flush that restarted
        # the sequences (reset_sequences), PostgreSQL's next id would be 1 again. (SQLite: no statements.)
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(statement)


def _content_present():
    from guides.models import Region

    return Region.objects.exists()


def _empty_content_tables():
    quote = connection.ops.quote_name
    # Foreign keys are deferred (Django creates them DEFERRABLE INITIALLY DEFERRED on
    # SQLite and PostgreSQL), so inside one transaction the order does not matter.
    with transaction.atomic(), connection.cursor() as cursor:
        for table in _session.content_tables:
            cursor.execute(f"DELETE FROM {quote(table)}")


def _kept_test_database():
    """Return where the migrated SQLite test database with the content is kept, or None on PostgreSQL."""
    if connections["default"].vendor != "sqlite":
        return None
    return prepared.kept_path("tests", settings.CONTENT_FIXTURES)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """With a kept test database, create the tables without migrating: the kept copy replaces them at once."""
    kept = _kept_test_database()
    if kept is not None and kept.exists() and kept.with_suffix(".json").exists():
        connections["default"].settings_dict.setdefault("TEST", {})["MIGRATE"] = False
        _session.kept = kept


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the real content loaded into it once (or copied, see above)."""
    with django_db_blocker.unblock():
        connection.ensure_connection()
        if _session.kept is not None:
            prepared.copy_into(_session.kept, connection.connection)
            ContentType.objects.clear_cache()  # the ids are the kept database's
            _session.content_tables = tuple(json.loads(_session.kept.with_suffix(".json").read_text()))
            _session.rows = _copy_rows()
        else:
            before = {table: len(rows) for table, (_, rows) in _copy_rows().items()}
            _load_content()
            _session.rows = _copy_rows()
            changed = [table for table, (_, rows) in _session.rows.items() if len(rows) != before.get(table, 0)]
            preexisting = [table for table in changed if before.get(table, 0)]
            # Emptying a table that migrate also fills would take away more than the content.
            assert not preexisting, f"load_content adds rows to tables migrate fills: {preexisting}"
            _session.content_tables = tuple(changed)
            kept = _kept_test_database()
            if kept is not None:  # the tables' list last: a copy without it is not used
                prepared.keep(connection.connection, kept)
                kept.with_suffix(".json").write_text(json.dumps(changed))
    _session.blocker = django_db_blocker
    yield
    _session.blocker = None  # the test database is about to go: nothing to reload into


def _uses_db(request):
    return request.node.get_closest_marker("django_db") is not None or bool(_DB_FIXTURES & set(request.fixturenames))


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    if marker and marker.kwargs.get("reset_sequences"):
        return True
    return bool(_TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def _empty_database_unless_content(request):
    """A database test that did not ask for `content` starts with the content tables empty."""
    if "content" in request.fixturenames or not _uses_db(request):
        return
    request.getfixturevalue("_django_db_helper")
    _empty_content_tables()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # pytest-django has flushed the database after a transactional test: put the
        # content back, committed, for the tests that follow (if any: after the last
        # test the session's teardown has already dropped the test database).
        if nextitem is not None and _session.blocker is not None and _is_transactional(item):
            with _session.blocker.unblock():
                _write_back(_session.rows)


@pytest.fixture(autouse=True, scope="session")
def _jinja2_context_in_responses():
    """Let tests read `response.context` of Jinja2 pages, as Django's test set-up does for its own templates."""
    original = jinja2_backend.Template.render

    def render(self, context=None, request=None):
        content = original(self, context, request)
        template_rendered.send(sender=self, template=self, context=context or {})
        return content

    jinja2_backend.Template.render = render
    yield
    jinja2_backend.Template.render = original


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with empty caches, shared and per-process, so nothing leaks between tests."""
    _clear_caches()
    yield
    _clear_caches()


def _clear_caches():
    for alias in settings.CACHES:
        cachetools.empty(alias)
    local_cache.clear()
    fragments.clear()
    page_cache.clear_local_entries()
    counters.clear_local()
    version.reset_for_tests()
    breaker.reset()


@pytest.fixture
def content(db):
    """The real content fixtures, as `make run` loads them (loaded once per session, see above)."""
    if not _content_present():  # not expected; should a flush ever go unnoticed, load it for this test
        _load_content()


@dataclass(frozen=True)
class CheckerVisit:
    """One path of `tests.checker.test_flow.all_paths`, fetched with its redirects followed."""

    answers: dict
    expected: str  # the outcome kind the path should end in
    status_code: int
    html: str
    final_url: str  # where the redirects ended
    context: dict  # the last page's `state`, `outcome` and `personal` (None where it has none)


@pytest.fixture(scope="session")
def every_checker_path(django_db_setup, django_db_blocker):
    """Every checker path over the real content, fetched once for the tests that read them all (read-only)."""
    from guides.content.catalogue import get_catalogue
    from tests.checker.test_flow import all_paths, result_url

    client = Client()
    visits = []
    with django_db_blocker.unblock():
        for answers, expected in all_paths(get_catalogue()):
            url = result_url(**answers)
            response = client.get(url, follow=True)
            context = response.context or {}
            visits.append(
                CheckerVisit(
                    answers=answers,
                    expected=expected,
                    status_code=response.status_code,
                    html=response.content.decode(),
                    final_url=response.redirect_chain[-1][0] if response.redirect_chain else url,
                    context={key: context.get(key) for key in ("state", "outcome", "personal")},
                )
            )
    _clear_caches()
    return visits


@dataclass(frozen=True)
class ContentCheck:
    """What `check_content` says of the real content."""

    audit: object  # guides.content.checks.ContentAudit: the findings and each page's items by authority
    output: str  # what `manage.py check_content` prints (with its final error, if any)
    failed: bool  # whether the command failed


@pytest.fixture(scope="session")
def real_content_check(django_db_setup, django_db_blocker):
    """`check_content` run once over the real content, for the tests that read it unchanged (read-only)."""
    from io import StringIO

    from django.core.management import CommandError

    from guides.content.checks import audit_content

    out = StringIO()
    with django_db_blocker.unblock():
        audit = audit_content()
        try:
            call_command("check_content", stdout=out)
        except CommandError as error:
            return ContentCheck(audit, out.getvalue() + str(error), True)
    return ContentCheck(audit, out.getvalue(), False)


# A fixed "today" for tests that use real dates near it (the checker accepts submission
# dates from 30 days before today to a year after): without it they would fail, or be
# skipped, once the calendar moves on. The clock keeps ticking from there, so content
# versions (minted from the time) still change on every edit.
FROZEN_NOW = datetime(2026, 12, 14, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def frozen_today():
    """Travel to Mon 14 Dec 2026, 09:30 in Beijing (`FROZEN_NOW`) for the test; return that date."""
    with time_machine.travel(FROZEN_NOW, tick=True):
        yield FROZEN_NOW.date()
