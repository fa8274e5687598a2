import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.template.backends import jinja2 as jinja2_backend
from django.test.signals import template_rendered

from guides.caching import local_cache, page_cache


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
    cache.clear()
    local_cache.clear()
    page_cache.clear_local_entries()
    yield
    cache.clear()
    local_cache.clear()
    page_cache.clear_local_entries()


@pytest.fixture
def content(db):
    """Load the real content fixtures, as `make run` does."""
    call_command("load_content", *settings.CONTENT_FIXTURES, verbosity=0)
