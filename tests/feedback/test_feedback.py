from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guides.caching.version import get_content_version
from guides.feedback.pages import page_for
from guides.feedback.selectors import flagged_pages, needs_review
from guides.models import Fee, PageFeedback, ProblemReport
from tests import cachetools

pytestmark = pytest.mark.django_db

GUIDE_ARGS = ["professional-qualification", "lost"]


@pytest.fixture
def guide_url():
    return reverse("guides:guide", args=GUIDE_ARGS)


def post(client, page, **data):
    return client.post(reverse("guides:feedback"), {"page": page, **data})


# ── The cached guide page carries nothing per visitor ──────────────────────


def test_guide_page_prompt_has_no_csrf_token_and_is_the_same_for_everyone(content, guide_url):
    first = Client().get(guide_url)
    second = Client().get(guide_url)

    assert "这个页面有帮助吗？" in first.text
    assert "页面有误？请告诉我们" in first.text
    assert "csrfmiddlewaretoken" not in first.text
    assert "csrftoken" not in first.cookies
    assert first.content == second.content
    assert f'method="get" action="{reverse("guides:feedback")}"' in first.text


def test_report_link_sits_after_the_review_date(content, guide_url, client):
    html = client.get(guide_url).text
    assert html.index("最后审核于") < html.index("页面有误？请告诉我们")


def test_feedback_page_carries_the_csrf_form(client, content, guide_url):
    response = client.get(reverse("guides:feedback"), {"page": guide_url, "helpful": "no"})

    assert response.status_code == HTTPStatus.OK
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert 'method="post"' in response.text
    assert response.context["form"]["helpful"].value() == "no"
    assert "no-store" in response["Cache-Control"]


# ── CSRF, validation, honeypot ─────────────────────────────────────────────


def test_post_without_csrf_token_is_rejected_with_a_chinese_page(content, guide_url):
    client = Client(enforce_csrf_checks=True)
    response = post(client, guide_url, helpful="yes")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "表单已过期" in response.text
    assert not PageFeedback.objects.exists()


def test_post_with_csrf_token_is_accepted(content, guide_url):
    client = Client(enforce_csrf_checks=True)
    form = client.get(reverse("guides:feedback"), {"page": guide_url})
    token = form.context["csrf_token"]

    response = post(client, guide_url, helpful="yes", csrfmiddlewaretoken=str(token))

    assert response.status_code == HTTPStatus.FOUND
    assert PageFeedback.objects.get(url=guide_url).yes_count == 1


def test_yes_and_no_are_counted_per_page(client, content, guide_url):
    post(client, guide_url, helpful="yes")
    post(client, guide_url, helpful="no")
    post(client, guide_url, helpful="no")

    page = PageFeedback.objects.get(url=guide_url)
    assert (page.yes_count, page.no_count) == (1, 2)
    assert page.title == "专技职业资格证书遗失补办"


def test_report_is_stored_with_url_and_content_version_and_nothing_is_shown_back(client, content, guide_url):
    response = post(
        client, guide_url, helpful="no", problem="工本费写的是20–50元，本地实际是10元。", contact="me@example.com"
    )
    thanks = client.get(response["Location"])

    report = ProblemReport.objects.get()
    assert report.page.url == guide_url
    assert report.content_version == get_content_version()
    assert report.status == ProblemReport.Status.NEW
    assert report.contact == "me@example.com"
    assert "谢谢您的反馈" in thanks.text
    assert "me@example.com" not in thanks.text
    assert "本地实际是10元" not in thanks.text


def test_honeypot_submission_is_dropped_but_looks_accepted(client, content, guide_url):
    response = post(client, guide_url, helpful="yes", problem="买便宜药", website="http://spam.example")

    assert response.status_code == HTTPStatus.FOUND
    assert not PageFeedback.objects.exists()
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"problem": "错" * 1001}, "problem"),
        ({"problem": "页面有错误", "contact": "1" * 101}, "contact"),
        ({"problem": "错"}, "problem"),
        ({}, "helpful"),
        ({"helpful": "maybe"}, "helpful"),
    ],
)
def test_invalid_feedback_is_explained_not_stored(client, content, guide_url, data, field):
    response = post(client, guide_url, **data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors[field]
    assert "错误：" in response.text  # the page title says so
    assert f'href="#id_{field}' in response.text  # the error summary links to the field
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize(
    "page",
    [
        "https://evil.example/guides/x/",
        "//evil.example/",
        "/admin/",
        "/guides/no-such-cert/lost/",
        "/guides/professional-qualification/lost/atlantis/",
        "/search/?q=x",
        "javascript:alert(1)",
    ],
)
def test_feedback_only_about_pages_of_this_site(client, content, page):
    assert client.get(reverse("guides:feedback"), {"page": page}).status_code == HTTPStatus.BAD_REQUEST
    response = post(client, page, helpful="yes")
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["page"]
    assert not PageFeedback.objects.exists()


def test_region_guide_feedback_is_kept_apart(client, content):
    url = reverse("guides:guide_region", args=[*GUIDE_ARGS, "guangdong"])
    post(client, url, helpful="no")
    assert PageFeedback.objects.get().title == "专技职业资格证书遗失补办（广东省）"


def test_query_string_of_a_guide_page_is_dropped(content):
    page = page_for("/guides/professional-qualification/lost/?utm=x")
    assert page.url == "/guides/professional-qualification/lost/"


def test_control_characters_in_the_page_address_are_refused(content):
    assert page_for("/guides/professional-qualification/lost/\n") is None


# ── The flood guard ────────────────────────────────────────────────────────


def test_flooding_is_stopped_with_429_and_a_clear_message(client, content, guide_url, settings):
    settings.FEEDBACK_RATE_LIMIT = (3, 3600)
    for _ in range(3):
        assert post(client, guide_url, helpful="yes").status_code == HTTPStatus.FOUND

    response = post(client, guide_url, helpful="yes", problem="再来一次再来一次")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "提交太频繁" in response.text
    assert int(response["Retry-After"]) > 0
    assert PageFeedback.objects.get().yes_count == 3
    assert not ProblemReport.objects.exists()


def test_rate_limit_is_per_client(content, guide_url, settings):
    settings.FEEDBACK_RATE_LIMIT = (1, 3600)
    flooder = Client(REMOTE_ADDR="203.0.113.7")
    neighbour = Client(REMOTE_ADDR="203.0.113.8")

    assert post(flooder, guide_url, helpful="yes").status_code == HTTPStatus.FOUND
    assert post(flooder, guide_url, helpful="yes").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert post(neighbour, guide_url, helpful="yes").status_code == HTTPStatus.FOUND


def test_rate_limit_counts_in_the_shared_cache(content, guide_url, settings, tmp_path):
    """The count lives in the shared cache (here the embedded file cache), not in the process."""

    from guides.caching import counters
    from guides.caching.backends import cache_settings

    settings.CACHES = cache_settings(redis_url="", cache_dir=tmp_path, key_prefix="test")
    settings.FEEDBACK_RATE_LIMIT = (1, 3600)
    client = Client()
    post(client, guide_url, helpful="yes")
    assert post(client, guide_url, helpful="yes").status_code == HTTPStatus.TOO_MANY_REQUESTS

    counters.clear_local()  # what another worker has of its own: nothing
    assert post(client, guide_url, helpful="yes").status_code == HTTPStatus.TOO_MANY_REQUESTS

    cachetools.empty("state")  # the shared count gone
    assert post(client, guide_url, helpful="yes").status_code == HTTPStatus.FOUND


# ── Admin triage ───────────────────────────────────────────────────────────


@pytest.fixture
def report(client, content, guide_url):
    post(client, guide_url, helpful="no", problem="工本费金额不对，本地是10元。")
    return ProblemReport.objects.get()


def test_editor_sees_the_report_in_the_list(admin_client, report):
    response = admin_client.get(reverse("admin:guides_problemreport_changelist"))

    assert response.status_code == HTTPStatus.OK
    assert "工本费金额不对" in response.text
    assert "专技职业资格证书遗失补办" in response.text


def test_report_links_to_the_page_and_to_the_objects_it_shows(admin_client, report, guide_url):
    response = admin_client.get(reverse("admin:guides_problemreport_change", args=[report.pk]))

    assert response.status_code == HTTPStatus.OK
    assert f'href="{guide_url}"' in response.text
    fee = Fee.objects.get(key="production-fee")
    assert f'href="{reverse("admin:guides_fee_change", args=[fee.pk])}"' in response.text
    assert "内容版本" in response.text


def test_editor_marks_a_report_handled(admin_client, admin_user, report):
    response = admin_client.post(
        reverse("admin:guides_problemreport_changelist"),
        {"action": "mark_handled", "_selected_action": [report.pk]},
    )

    assert response.status_code == HTTPStatus.FOUND
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.HANDLED
    assert report.handled_by == admin_user
    assert report.handled_at is not None
    assert report.history.count() == 2


def test_editor_changes_status_in_the_form(admin_client, admin_user, report):
    url = reverse("admin:guides_problemreport_change", args=[report.pk])
    response = admin_client.post(url, {"status": "wontfix", "editor_note": "来源文章如此，已核实。"})

    assert response.status_code == HTTPStatus.FOUND
    report.refresh_from_db()
    assert (report.status, report.handled_by) == (ProblemReport.Status.WONTFIX, admin_user)
    assert report.editor_note == "来源文章如此，已核实。"


def test_page_feedback_admin_shows_counts_and_flags_unhelpful_pages(admin_client, report, settings):
    settings.FEEDBACK_REVIEW_THRESHOLD = (50, 1)
    changelist = reverse("admin:guides_pagefeedback_changelist")

    listing = admin_client.get(changelist)
    flagged = admin_client.get(changelist, {"needs_review": "yes"})
    change = admin_client.get(reverse("admin:guides_pagefeedback_change", args=[report.page.pk]))

    assert listing.status_code == flagged.status_code == change.status_code == HTTPStatus.OK
    assert "100%" in listing.text
    assert "专技职业资格证书遗失补办" in flagged.text
    assert "工本费金额不对" in change.text


@pytest.mark.parametrize(
    "yes, no, flagged",
    [(2, 3, True), (3, 2, True), (4, 1, False), (0, 1, False), (0, 0, False)],
)
def test_review_threshold(db, settings, yes, no, flagged):
    settings.FEEDBACK_REVIEW_THRESHOLD = (40, 5)
    page = PageFeedback.objects.create(url="/x/", yes_count=yes, no_count=no)

    assert (page in flagged_pages()) is flagged
    assert needs_review(page) is flagged


@pytest.mark.parametrize("name", ["synonymgroup", "pagefeedback", "problemreport"])
def test_admin_changelists_open(admin_client, db, name):
    assert admin_client.get(reverse(f"admin:guides_{name}_changelist")).status_code == HTTPStatus.OK


def test_synonym_admin_add_and_change(admin_client, content):
    from guides.models import SynonymGroup

    assert admin_client.get(reverse("admin:guides_synonymgroup_add")).status_code == HTTPStatus.OK
    group = SynonymGroup.objects.get(key="lost")
    assert admin_client.get(reverse("admin:guides_synonymgroup_change", args=[group.pk])).status_code == HTTPStatus.OK


def test_stale_content_view_filters_items_on_pages_readers_flagged(admin_client, report, settings):
    settings.FEEDBACK_REVIEW_THRESHOLD = (50, 1)
    fee = Fee.objects.get(key="production-fee")
    urgent_fee = Fee.objects.get(key="urgent-fee")  # not on the lost page

    response = admin_client.get(reverse("admin:guides_fee_changelist"), {"reader_flagged": "yes"})

    assert response.status_code == HTTPStatus.OK
    shown = list(response.context["cl"].queryset)
    assert fee in shown
    assert urgent_fee not in shown


def test_open_reports_link_lists_the_reports_of_that_page(admin_client, report):
    listing = admin_client.get(reverse("admin:guides_pagefeedback_changelist"))
    link = reverse("admin:guides_problemreport_changelist") + f"?page__id__exact={report.page.pk}"
    assert f'href="{link}"' in listing.text

    response = admin_client.get(link)

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].queryset) == [report]


def test_behind_a_load_balancer_the_forwarded_address_is_counted(content, guide_url, settings):
    settings.FEEDBACK_RATE_LIMIT = (1, 3600)
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    balancer = "10.0.0.1"
    flooder = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    neighbour = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert post(flooder, guide_url, helpful="yes").status_code == HTTPStatus.FOUND
    # A forged first entry does not give the flooder a fresh allowance.
    spoofed = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7")
    assert post(spoofed, guide_url, helpful="yes").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert post(neighbour, guide_url, helpful="yes").status_code == HTTPStatus.FOUND


def test_checker_outcome_offers_feedback_for_that_outcome(content, client):
    from urllib.parse import quote

    from django.utils import timezone

    outcome = (
        "/check/result/?cert=professional-title&reason=lost&identity-unchanged=yes"
        f"&issued-in=110000&living-in=440000&urgent=title-review&delivery=mail"
        f"&date={timezone.localdate():%Y-%m-%d}"
    )
    html = client.get(outcome).content.decode()
    assert "这个页面有帮助吗？" in html
    assert "页面有误？请告诉我们" in html
    assert quote("/check/result/", safe="") in html or 'value="/check/result/' in html


def test_a_report_sent_back_with_an_error_keeps_its_heading(client, content, guide_url):
    """Someone who came by "页面有误？" and typed too little still sees that page, not a generic one."""
    form = client.get(reverse("guides:feedback"), {"page": guide_url, "report": "1"})
    assert "页面有误？请告诉我们" in form.text
    action = form.text.split('class="feedback-form"')[0].rsplit("<form", 1)[1]
    assert "report=1" in action
    response = client.post(f"{reverse('guides:feedback')}?report=1", {"page": guide_url, "problem": "错"})
    assert response.status_code == HTTPStatus.OK
    assert "请多写几个字" in response.text
    assert "页面有误？请告诉我们" in response.text
