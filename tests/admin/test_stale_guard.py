"""The stale-save guard covers every editable table, reverting from history too, and is atomic (issue 20, point 10).

A save made from a form opened before someone else saved the row is refused with a
message naming the other change, keeping what was typed. Of two simultaneous saves
from forms opened on the same version, exactly one is accepted: the check locks the
row (PostgreSQL) or runs in a transaction that holds SQLite's write lock from its start.
"""

import contextlib
import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.urls import reverse

from guides.admin.common import HistoryAdmin
from guides.models import Fee, Holiday, PageFeedback, ProblemReport, Source, SynonymGroup
from tests.formscrape import form_data
from tests.servers import EDITOR, SiteServers

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:guides_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def editor_client(db):
    user = User.objects.create_user("bianji", password="correct horse 42", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    client = Client()
    client.force_login(user)
    return client


def source(content):
    return Source.objects.get(key="guojia-zhiye-zige-mulu-2021")


def synonym(content):
    return SynonymGroup.objects.first()


def holiday(content):
    return Holiday.objects.create(date=date(2027, 1, 1), name="元旦")


def problem_report(content):
    page = PageFeedback.objects.create(url="/guides/skill-certificate/lost/", title="技能证书遗失补办")
    return ProblemReport.objects.create(page=page, message="工本费金额不对")


# (row maker, form prefix, the field each side changes: (name, editor's value, admin's value))
CASES = {
    "来源": (source, "source_form", ("note", "编辑改的说明", "管理员改的说明")),
    "同义词": (synonym, "synonymgroup_form", ("note", "编辑改的说明", "管理员改的说明")),
    "节假日": (holiday, "holiday_form", ("name", "元旦（编辑改）", "元旦（管理员改）")),
    "问题报告": (problem_report, "problemreport_form", ("editor_note", "编辑的处理说明", "管理员的处理说明")),
}


@pytest.mark.parametrize("case", CASES)
def test_a_stale_save_is_refused_on_every_editable_table(admin_client, editor_client, content, case):
    make, prefix, (field, editors, admins) = CASES[case]
    row = make(content)
    url = change_url(row)
    stale = form_data(admin_client.get(url).content, prefix, **{field: admins})
    assert "opened_version" in stale, f"{case}: the change form carries no opened version"
    fresh = form_data(editor_client.get(url).content, prefix, **{field: editors})
    assert editor_client.post(url, fresh).status_code == HTTPStatus.FOUND

    response = admin_client.post(url, stale)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "保存失败：此记录在您打开后已被 bianji" in html
    assert admins in html, "the typed value is gone"
    row.refresh_from_db()
    assert getattr(row, field) == editors
    # Having seen the message, saving the re-rendered form goes through.
    assert admin_client.post(url, form_data(response.content, prefix)).status_code == HTTPStatus.FOUND
    row.refresh_from_db()
    assert getattr(row, field) == admins


def test_a_source_authority_cannot_be_silently_reverted(admin_client, editor_client, content):
    row = source(content)
    url = change_url(row)
    stale = form_data(admin_client.get(url).content, "source_form", note="顺手改个说明")
    fresh = form_data(editor_client.get(url).content, "source_form", authority="official-repost")
    assert editor_client.post(url, fresh).status_code == HTTPStatus.FOUND
    assert admin_client.post(url, stale).status_code == HTTPStatus.OK
    row.refresh_from_db()
    assert row.authority == "official-repost"


def test_reverting_from_history_goes_through_the_guard(admin_client, editor_client, content):
    fee = Fee.objects.get(key="production-fee")
    earlier = fee.history.order_by("-history_id").first()
    fee.note = "第二版说明"
    fee.save()
    revert_url = reverse("admin:guides_fee_simple_history", args=[fee.pk, earlier.history_id])
    revert = form_data(admin_client.get(revert_url).content, "historicalfee_form")
    assert "opened_version" in revert, "the revert form carries no opened version"

    fresh = form_data(editor_client.get(change_url(fee)).content, "fee_form", note="编辑刚改的说明")
    assert editor_client.post(change_url(fee), fresh).status_code == HTTPStatus.FOUND

    response = admin_client.post(revert_url, revert)
    assert response.status_code == HTTPStatus.OK
    assert "保存失败：此记录在您打开后已被 bianji" in response.content.decode()
    fee.refresh_from_db()
    assert fee.note == "编辑刚改的说明"
    # Reverting from a revert page opened now still works.
    revert = form_data(admin_client.get(revert_url).content, "historicalfee_form")
    assert admin_client.post(revert_url, revert).status_code == HTTPStatus.FOUND
    fee.refresh_from_db()
    assert fee.note == earlier.note


# ── Two simultaneous saves: exactly one is accepted ─────────────────────────


def simultaneous_posts(post, forms):
    """Run `post(form)` for each form in its own thread, all at once; return the results."""
    results = [None] * len(forms)
    start = threading.Barrier(len(forms))

    def run(i):
        start.wait()
        results[i] = post(forms[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: the gunicorn test below")
def test_two_simultaneous_saves_in_threads_exactly_one_is_accepted(transactional_db, content, monkeypatch):
    """Each thread has its own database connection. Both forms pass validation's
    check before either writes, unless the check locks the row: a barrier in the save
    holds the first saver until the second has checked (or 3 s have passed, when the
    second is waiting for the first's lock)."""
    admin_user = User.objects.create_superuser("admin2", password="x")
    fee = Fee.objects.get(key="production-fee")
    url = change_url(fee)
    race = threading.Barrier(2)
    original = HistoryAdmin.save_model

    def save_model(self, request, obj, form, change):
        with contextlib.suppress(threading.BrokenBarrierError):
            race.wait(timeout=3)
        return original(self, request, obj, form, change)

    monkeypatch.setattr(HistoryAdmin, "save_model", save_model)

    def post(data):
        client = Client()
        client.force_login(admin_user)
        try:
            return client.post(url, data)
        finally:
            connection.close()  # this thread's connection

    opener = Client()
    opener.force_login(admin_user)
    page = opener.get(url).content
    forms = [form_data(page, "fee_form", note="第一个人的说明"), form_data(page, "fee_form", note="第二个人的说明")]
    responses = simultaneous_posts(post, forms)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [HTTPStatus.OK, HTTPStatus.FOUND], statuses
    refused = next(r for r in responses if r.status_code == HTTPStatus.OK).content.decode()
    assert "保存失败：此记录在您打开后已被 admin2" in refused
    kept = "第一个人的说明" if "第二个人的说明" in refused else "第二个人的说明"
    fee.refresh_from_db()
    assert fee.note == kept


class Browser:
    """A cookie-keeping HTTP client (one per server process)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url):
        with self.opener.open(url) as response:
            return response.read().decode()

    def post(self, url, data):
        """Return ("saved" when redirected away, "refused" when the form came back, or the error status; the page)."""
        body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=body, headers={"Referer": url})) as response:
                return ("refused" if response.geturl() == url else "saved"), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""


def test_two_simultaneous_saves_through_two_server_processes_exactly_one_is_accepted(tmp_path, db):
    """Two gunicorn processes on one SQLite file (as `make run` with several workers);
    five trials of two saves of forms opened on the same version, posted at once."""
    with SiteServers(tmp_path, ["a", "b"], redis_url="") as servers:
        browsers = {}
        for name in ("a", "b"):
            browser = Browser()
            login = servers.url(name, "/admin/login/")
            data = form_data(browser.get(login), "login-form", username=EDITOR[0], password=EDITOR[1])
            assert browser.post(login, data)[0] == "saved", "login failed"
            browsers[name] = browser
        path = "/admin/guides/fee/1/change/"
        for trial in range(5):
            pages = {name: browsers[name].get(servers.url(name, path)) for name in browsers}
            forms = [(name, form_data(pages[name], "fee_form", note=f"{name} 第{trial}次")) for name in browsers]
            results = simultaneous_posts(
                lambda item: browsers[item[0]].post(servers.url(item[0], path), item[1]), forms
            )
            outcomes = sorted(str(outcome) for outcome, _page in results)
            assert outcomes == ["refused", "saved"], (trial, outcomes)
            refused = next(page for outcome, page in results if outcome == "refused")
            assert "保存失败：此记录在您打开后已被" in refused, trial
