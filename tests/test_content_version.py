from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from guides import content_version
from guides.content_version import ContentVersionMiddleware, bump_content_version, get_content_version


def run_in_request(view):
    return ContentVersionMiddleware(view)(RequestFactory().get("/"))


def test_a_request_reads_the_version_once_and_sees_its_own_edits():
    seen = []

    def view(request):
        seen.append(get_content_version())
        cache.set(content_version.KEY, "changed-by-another-worker")
        seen.append(get_content_version())  # still this request's version
        bump_content_version()
        seen.append(get_content_version())  # but an edit made here shows at once
        return HttpResponse()

    run_in_request(view)
    first, second, third = seen
    assert first == second != "changed-by-another-worker"
    assert third not in (first, "changed-by-another-worker")
    assert third == cache.get(content_version.KEY)


def test_outside_a_request_every_call_reads_the_cache():
    get_content_version()
    cache.set(content_version.KEY, "edited")
    assert get_content_version() == "edited"


def test_the_next_request_sees_another_workers_edit():
    run_in_request(lambda request: HttpResponse(get_content_version()))
    cache.set(content_version.KEY, "edited-elsewhere")
    response = run_in_request(lambda request: HttpResponse(get_content_version()))
    assert response.content == b"edited-elsewhere"
