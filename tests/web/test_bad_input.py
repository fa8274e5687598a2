"""A database error caused by bad input answers 400, not the 503 "database down" page (issue 20, point 15).

PostgreSQL refuses NUL in text (psycopg raises DataError); SQLite stores it. Either
way a `%00` in an admin query parameter is bad input and answers 400 before the
database; the public search drops control characters as before.
"""

from http import HTTPStatus

import pytest
from django.db import DataError
from django.test import Client
from django.urls import path

AUTOCOMPLETE = "/admin/autocomplete/?app_label=guides&model_name=fee&field_name=replaces&term="


@pytest.fixture
def editor_client(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


def test_admin_autocomplete_with_a_nul_byte_answers_400(editor_client, content):
    assert editor_client.get(AUTOCOMPLETE + "%E5%B7%A5").status_code == HTTPStatus.OK  # 工: the view works
    response = editor_client.get(AUTOCOMPLETE + "%00")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "请求无法处理" in response.content.decode()
    assert "服务暂时不可用" not in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/admin/guides/fee/?q=a%00b", "/admin/guides/fee/?q%00=1", "/admin/guides/source/?o=%00"]
)
def test_any_nul_in_an_admin_query_answers_400(editor_client, content, url):
    assert editor_client.get(url).status_code == HTTPStatus.BAD_REQUEST


def test_public_search_still_drops_control_characters(editor_client, content):
    response = editor_client.get("/search/?q=%00%E5%B7%A5%E6%9C%AC%E8%B4%B9")  # NUL + 工本费
    assert response.status_code == HTTPStatus.OK
    assert "工本费" in response.content.decode()


def raises_data_error(request):
    raise DataError("value out of range")


urlpatterns = [path("data-error/", raises_data_error)]
handler500 = "guides.web.health.server_error"


def test_a_data_error_that_gets_through_answers_400_not_503(settings, db):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/data-error/")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "服务暂时不可用" not in response.content.decode()
