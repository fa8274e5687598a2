"""The Content-Security-Policy header: django-csp's policy, built once (guides.web.security.CSPMiddleware)."""

import csp.middleware
import pytest
from csp.constants import NONCE, SELF
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from guides.web.security import CSPMiddleware


def respond(response=None, path="/guides/"):
    request = RequestFactory().get(path)
    middleware = CSPMiddleware(lambda request: response or HttpResponse("ok"))
    return request, middleware(request)


def library_header(response=None, path="/guides/"):
    request = RequestFactory().get(path)
    return csp.middleware.CSPMiddleware(lambda request: response or HttpResponse("ok"))(request)


def test_a_page_gets_the_policy_django_csp_builds_from_the_settings():
    request, response = respond()
    assert response["Content-Security-Policy"] == build_policy() == library_header()["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response
    with pytest.raises(Exception, match="after the CSP header has been written"):
        str(request.csp_nonce)


def test_a_changed_setting_changes_the_header():
    respond()  # the policy of the settings before, built
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy):
        _, response = respond()
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"
    _, response = respond()
    assert response["Content-Security-Policy"] == build_policy()


def test_a_view_that_changes_the_policy_and_a_nonce_go_the_librarys_way():
    changed = HttpResponse("ok")
    changed._csp_update = {"img-src": ["https://example.org"]}
    _, response = respond(changed)
    assert "https://example.org" in response["Content-Security-Policy"]

    class UsesNonce:
        def __call__(self, request):
            str(request.csp_nonce)
            return HttpResponse("ok")

    request = RequestFactory().get("/")
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}}):
        response = CSPMiddleware(UsesNonce())(request)
    assert f"script-src 'self' 'nonce-{request._csp_nonce}'" in response["Content-Security-Policy"]


def test_exempt_responses_excluded_paths_and_headers_set_already_are_left_alone():
    exempt = HttpResponse("ok")
    exempt._csp_exempt = True
    assert "Content-Security-Policy" not in respond(exempt)[1]
    own = HttpResponse("ok")
    own["Content-Security-Policy"] = "default-src 'self' example.org"
    assert respond(own)[1]["Content-Security-Policy"] == "default-src 'self' example.org"
    with override_settings(CONTENT_SECURITY_POLICY={"EXCLUDE_URL_PREFIXES": ["/admin/"], "DIRECTIVES": {}}):
        assert "Content-Security-Policy" not in respond(path="/admin/x/")[1]
        assert "Content-Security-Policy" in respond(path="/guides/")[1]
