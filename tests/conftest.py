import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with an empty cache so no page or catalogue leaks between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def content(db):
    """Load the real content fixtures, as `make run` does."""
    call_command("loaddata", *settings.CONTENT_FIXTURES, verbosity=0)
