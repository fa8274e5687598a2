import pytest
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from guides.caching import version as content_version
from guides.caching.version import ContentVersionMiddleware, bump_content_version, get_content_version

pytestmark = pytest.mark.django_db


def state():
    return caches["state"]


def run_in_request(view):
    return ContentVersionMiddleware(view)(RequestFactory().get("/"))


def test_a_request_reads_the_version_once_and_sees_its_own_edits():
    seen = []

    def view(request):
        seen.append(get_content_version())
        state().set(content_version.KEY, "a0e1")
        seen.append(get_content_version())  # still this request's version
        bump_content_version()
        seen.append(get_content_version())  # but an edit made here shows at once
        return HttpResponse()

    run_in_request(view)
    first, second, third = seen
    assert first == second != "a0e1"
    assert third not in (first, "a0e1")
    assert third == state().get(content_version.KEY)


def test_outside_a_request_every_call_reads_the_cache():
    get_content_version()
    state().set(content_version.KEY, "ed17ed")
    assert get_content_version() == "ed17ed"


def test_the_next_request_sees_another_workers_edit():
    run_in_request(lambda request: HttpResponse(get_content_version()))
    state().set(content_version.KEY, "e1e1")
    response = run_in_request(lambda request: HttpResponse(get_content_version()))
    assert response.content == b"e1e1"


def test_a_version_read_before_an_edit_commits_is_dead_after_the_commit(django_capture_on_commit_callbacks):
    """Another worker may read the version between an edit's save and its commit, render
    the rows as they were (it cannot see the uncommitted ones) and store that page under
    the version it read. The commit must move the version on, or that page lives on."""
    from guides.models import Fee

    fee = Fee.objects.create(name="测试费", min_amount=1, max_amount=2)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        fee.min_amount = 2
        fee.save()
        read_by_another_worker = get_content_version()
    # Leaving the block runs what the commit runs.
    assert get_content_version() != read_by_another_worker


@pytest.mark.parametrize("stored", ["", "not-a-version", 12345, {"version": "abc"}, ["abc"]])
def test_a_stored_value_that_is_not_a_version_is_replaced(stored):
    state().set(content_version.KEY, stored, timeout=None)
    version = get_content_version()
    assert version != stored and state().get(content_version.KEY) == version
    assert get_content_version() == version, "a fresh version per call: nothing could be reused"
