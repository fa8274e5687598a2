"""The editors' admin: every page opens, editors may change content and nothing else,
bad input is caught with a message on the field, history can be reverted, drafts and
future dates preview for staff only, and logins lock out after repeated failures."""

from datetime import date, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from guides.admin.roles import editor_codenames, ensure_editor_group
from guides.models import (
    CertificateType,
    Fee,
    Holiday,
    Notice,
    PageFeedback,
    Precondition,
    ProblemReport,
    ProcessingTime,
    Region,
    Situation,
    Step,
    StepChannel,
)
from tests import builders
from tests.formscrape import form_data

pytestmark = pytest.mark.django_db

GUIDE_MODELS = [model for model in admin.site._registry if model._meta.app_label == "guides"]
# Written by readers, triaged by editors (tests/feedback/test_feedback.py covers their admin).
READER_WRITTEN = [PageFeedback, ProblemReport]
CONTENT_MODELS = [model for model in GUIDE_MODELS if model not in READER_WRITTEN]


def change_url(obj):
    return reverse(f"admin:guides_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model):
    return reverse(f"admin:guides_{model._meta.model_name}_changelist")


@pytest.fixture
def editor(db):
    user = User.objects.create_user("bianji", password="correct horse 42", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    return user


@pytest.fixture
def editor_client(editor):
    """A client logged in as an editor (separate from `client`, which stays anonymous)."""
    logged_in = Client()
    logged_in.force_login(editor)
    return logged_in


@pytest.fixture
def holiday(db):
    return Holiday.objects.create(date=date(2027, 1, 1), name="元旦")


def post_change(client, obj, **overrides):
    """Submit an object's admin change form as rendered, with some fields changed."""
    url = change_url(obj)
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    data = form_data(page.content, f"{obj._meta.model_name}_form", **overrides)
    return client.post(url, data)


def fee_page(client, region_slug=None):
    args = ["professional-qualification", "lost"] + ([region_slug] if region_slug else [])
    name = "guides:guide_region" if region_slug else "guides:guide"
    return client.get(reverse(name, args=args)).content.decode()


# ── Every ModelAdmin's pages open ────────────────────────────────────────────


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_open(admin_client, content, holiday, model):
    assert admin_client.get(changelist_url(model)).status_code == HTTPStatus.OK
    add = admin_client.get(reverse(f"admin:guides_{model._meta.model_name}_add"))
    # Step channels are added on their step's form.
    assert add.status_code == (HTTPStatus.FORBIDDEN if model is StepChannel else HTTPStatus.OK)
    # No Python repr where a value belongs (an unsaved row's update time was one).
    assert " object at 0x" not in add.content.decode()
    obj = model.objects.first()
    page = admin_client.get(change_url(obj))
    assert page.status_code == HTTPStatus.OK
    history = admin_client.get(reverse(f"admin:guides_{model._meta.model_name}_history", args=[obj.pk]))
    assert history.status_code == HTTPStatus.OK


@pytest.mark.parametrize("model", READER_WRITTEN, ids=lambda m: m.__name__)
def test_reader_feedback_cannot_be_added_in_admin(admin_client, model):
    assert admin_client.get(changelist_url(model)).status_code == HTTPStatus.OK
    assert admin_client.get(reverse(f"admin:guides_{model._meta.model_name}_add")).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("model", [m for m in CONTENT_MODELS if hasattr(m, "reviewed_on")], ids=lambda m: m.__name__)
def test_every_content_changelist_filters_by_review_age_and_searches_in_chinese(admin_client, content, model):
    response = admin_client.get(changelist_url(model), {"review": "stale", "q": "证书"})
    assert response.status_code == HTTPStatus.OK
    assert "超过 180 天未审核" in response.content.decode()


def test_search_finds_the_newspaper_fee_by_its_chinese_name(admin_client, content):
    response = admin_client.get(changelist_url(Fee), {"q": "登报"})
    assert list(response.context["cl"].result_list) == [Fee.objects.get(key="newspaper-fee")]


def test_admin_is_in_chinese(admin_client, content):
    html = admin_client.get(changelist_url(Fee)).content.decode()
    assert "证书补办指南 · 内容管理" in html
    assert "选择要修改的费用" in html
    assert "标记为已审核" in html


# ── The 编辑 group ───────────────────────────────────────────────────────────


def test_editor_group_has_exactly_the_content_permissions():
    group = Group.objects.get(name="编辑")
    perms = set(group.permissions.values_list("content_type__app_label", "codename"))
    content_models = [m._meta.model_name for m in CONTENT_MODELS]
    expected = {
        ("guides", f"{action}_{name}") for name in content_models for action in ("view", "add", "change", "delete")
    }
    # Readers' feedback is read and marked by editors, never written or deleted by them.
    expected |= {("guides", "view_pagefeedback"), ("guides", "view_problemreport"), ("guides", "change_problemreport")}
    assert perms == expected
    assert not Permission.objects.filter(group=group, content_type__app_label__in=["auth", "admin", "axes"]).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_the_editor_group():
    """flush empties auth tables too; the group comes back, with the same permissions."""
    before = set(Group.objects.get(name="编辑").permissions.values_list("codename", flat=True))
    call_command("flush", interactive=False, verbosity=0)
    after = set(Group.objects.get(name="编辑").permissions.values_list("codename", flat=True))
    assert after == before
    assert len(after) == len(editor_codenames())


def test_an_existing_editor_group_is_left_as_the_admin_made_it():
    group = Group.objects.get(name="编辑")
    group.permissions.remove(Permission.objects.get(codename="delete_fee"))
    call_command("migrate", verbosity=0)
    assert not group.permissions.filter(codename="delete_fee").exists()


def test_ensure_editor_group_gives_an_existing_group_the_permissions_it_lacks():
    group = Group.objects.get(name="编辑")
    group.permissions.remove(Permission.objects.get(codename="delete_fee"))
    by_hand = Permission.objects.get(codename="view_user")
    group.permissions.add(by_hand)
    ensure_editor_group()
    assert group.permissions.filter(codename="delete_fee").exists()
    assert group.permissions.filter(pk=by_hand.pk).exists()  # what an admin granted stays


def test_a_migration_can_call_ensure_editor_group_for_a_model_it_adds():
    """Inside a migration a new model has no permissions yet: ensure_editor_group makes and grants them."""
    Permission.objects.filter(codename="delete_fee").delete()
    historical = MigrationExecutor(connection).loader.project_state().apps
    ensure_editor_group(historical, connection.alias)
    assert Group.objects.get(name="编辑").permissions.filter(codename="delete_fee").exists()


def test_editor_can_change_a_fee(editor_client, content):
    fee = Fee.objects.get(key="newspaper-fee")
    response = post_change(editor_client, fee, min_amount="120.00")
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    assert "已在网站上生效" in editor_client.get(response.url).content.decode()
    fee.refresh_from_db()
    assert fee.min_amount == Decimal("120.00")
    # The limits (M2M) survive a save through the rendered form.
    assert list(fee.situations.values_list("slug", flat=True)) == ["lost"]


def test_editor_cannot_open_users_or_groups(editor_client):
    for name in ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:axes_accessattempt_changelist"]:
        assert editor_client.get(reverse(name)).status_code == HTTPStatus.FORBIDDEN


def test_editor_sees_content_on_admin_index(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "费用" in html and "节假日安排" in html
    assert reverse("admin:auth_user_changelist") not in html


# ── Validation before save ───────────────────────────────────────────────────


def error_on(response, field):
    form = response.context["adminform"].form
    return " ".join(form.errors.get(field, []))


def test_fee_min_above_max_is_refused_on_the_field(admin_client, content):
    fee = Fee.objects.get(key="newspaper-fee")
    response = post_change(admin_client, fee, min_amount="400", max_amount="300")
    assert response.status_code == HTTPStatus.OK
    assert "最高金额不能低于最低金额" in error_on(response, "max_amount")
    fee.refresh_from_db()
    assert fee.min_amount == Decimal("100.00")


def test_negative_fee_is_refused(admin_client, content):
    fee = Fee.objects.get(key="production-fee")
    response = post_change(admin_client, fee, min_amount="-5")
    assert "金额不能为负数" in error_on(response, "min_amount")


def test_list_editable_fees_are_validated_too(admin_client, content):
    url = changelist_url(Fee)
    page = admin_client.get(url)
    data = form_data(page.content, "changelist-form")
    fees = list(page.context["cl"].result_list)
    index = next(i for i, f in enumerate(fees) if f.key == "production-fee")
    data[f"form-{index}-min_amount"] = ["60"]
    data["_save"] = ["保存"]
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "最高金额不能低于最低金额" in response.content.decode()
    assert Fee.objects.get(key="production-fee").min_amount == Decimal("20.00")

    data[f"form-{index}-min_amount"] = ["25"]
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    assert Fee.objects.get(key="production-fee").min_amount == Decimal("25.00")


def test_effective_to_before_effective_from_is_refused(admin_client, content):
    fee = Fee.objects.get(key="production-fee")
    response = post_change(admin_client, fee, effective_from="2026-01-01", effective_to="2025-12-31")
    assert "失效日期不能早于生效日期" in error_on(response, "effective_to")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"min_days": "0"}, "min_days", "至少为 1 个工作日"),
        ({"min_days": "20", "max_days": "15"}, "max_days", "不能少于一般最短"),
        ({"complex_max_days": "10"}, "complex_max_days", "不能少于一般最长"),
        ({"urgent_max_days": "40"}, "urgent_max_days", "不能比一般最长时限还长"),
    ],
)
def test_processing_time_ranges_must_be_sane(admin_client, content, overrides, field, message):
    item = ProcessingTime.objects.get(key="review-period")
    response = post_change(admin_client, item, **overrides)
    assert message in error_on(response, field)


def test_item_cannot_replace_itself(admin_client, content):
    fee = Fee.objects.get(key="production-fee")
    response = post_change(admin_client, fee, replaces=str(fee.pk))
    assert error_on(response, "replaces")
    assert Fee.objects.get(pk=fee.pk).replaces_id is None


def test_replacing_item_must_not_apply_more_widely(admin_client, content):
    lost_only = Fee.objects.get(key="newspaper-fee")
    regional = builders.fee(
        regions=[Region.objects.get(slug="guangdong")], min_amount=0, max_amount=0, source=lost_only.source
    )
    response = post_change(admin_client, regional, replaces=str(lost_only.pk))
    assert "被替代的「登报费」只适用于情形：遗失" in error_on(response, "situations")

    damaged = Situation.objects.get(slug="damaged")
    response = post_change(admin_client, regional, replaces=str(lost_only.pk), situations=[str(damaged.pk)])
    assert "不适用于损毁" in error_on(response, "situations")

    lost = Situation.objects.get(slug="lost")
    response = post_change(admin_client, regional, replaces=str(lost_only.pk), situations=[str(lost.pk)])
    assert response.status_code == HTTPStatus.FOUND
    regional.refresh_from_db()
    assert regional.replaces == lost_only


def test_replacement_cycles_are_refused(admin_client, content):
    national = Fee.objects.get(key="production-fee")
    regional = builders.fee(min_amount=30, max_amount=30, replaces=national)
    response = post_change(admin_client, national, replaces=str(regional.pk))
    assert "不能再反过来替代" in error_on(response, "replaces")


def test_notice_replaces_only_a_notice_of_the_same_kind(admin_client, content):
    warning = Notice.objects.get(key="chip-anti-counterfeit")
    tip = Notice.objects.filter(kind=Notice.Kind.TIP).first()
    response = post_change(admin_client, tip, replaces=str(warning.pk))
    assert "只能替代同一类型的提示" in error_on(response, "replaces")


def test_slug_of_a_published_page_cannot_change(admin_client, content):
    cert = CertificateType.objects.get(slug="professional-title")
    response = post_change(admin_client, cert, slug="zhicheng")
    assert "网址标识不能修改" in error_on(response, "slug")
    assert CertificateType.objects.filter(slug="professional-title").exists()


def test_slug_of_a_draft_may_change(admin_client, content):
    draft = builders.certificate_type(is_published=False)
    response = post_change(admin_client, draft, slug="new-slug")
    assert response.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.slug == "new-slug"


def test_new_fee_gets_a_key_when_left_blank_and_a_future_fee_replaces_the_current_one(admin_client, content):
    """What an editor does for a fee that changes on 1 January: add the new row in advance."""
    newspaper = Fee.objects.get(key="newspaper-fee")
    lost = Situation.objects.get(slug="lost")
    add_url = reverse("admin:guides_fee_add")
    overrides = {"name": "登报费", "min_amount": "120", "max_amount": "320", "replaces": str(newspaper.pk)}
    response = admin_client.post(add_url, form_data(admin_client.get(add_url).content, "fee_form", **overrides))
    assert "只适用于情形：遗失" in error_on(response, "situations")  # the mistake is caught and explained

    overrides |= {"situations": [str(lost.pk)], "effective_from": "2100-01-01"}
    response = admin_client.post(add_url, form_data(admin_client.get(add_url).content, "fee_form", **overrides))
    assert response.status_code == HTTPStatus.FOUND
    new = Fee.objects.get(effective_from=date(2100, 1, 1))
    assert new.key.startswith("fee-")
    url = reverse("guides:guide", args=["professional-qualification", "lost"])
    assert "100–300 元" in Client().get(url).content.decode()
    preview = admin_client.get(url, {"on": "2100-01-01"}).content.decode()
    assert "120–320 元" in preview and "100–300 元" not in preview


# ── History and revert ───────────────────────────────────────────────────────


def test_change_is_attributed_and_can_be_reverted(editor_client, editor, content):
    fee = Fee.objects.get(key="production-fee")
    post_change(editor_client, fee, max_amount="80")
    latest = fee.history.latest()
    assert latest.history_user == editor
    assert latest.max_amount == Decimal("80.00")
    assert "80" in fee_page(editor_client)

    earlier = fee.history.filter(max_amount=Decimal("50.00")).latest()
    revert_url = reverse("admin:guides_fee_simple_history", args=[fee.pk, earlier.history_id])
    page = editor_client.get(revert_url)
    assert page.status_code == HTTPStatus.OK
    response = editor_client.post(revert_url, form_data(page.content, "historicalfee_form"))
    assert response.status_code == HTTPStatus.FOUND
    fee.refresh_from_db()
    assert fee.max_amount == Decimal("50.00")
    assert fee.history.count() == 3
    assert "20–50 元" in fee_page(editor_client)


def test_revert_restores_an_items_limits(admin_client, content):
    fee = Fee.objects.get(key="newspaper-fee")
    lost, damaged = Situation.objects.get(slug="lost"), Situation.objects.get(slug="damaged")
    before = fee.history.latest()
    post_change(admin_client, fee, situations=[str(lost.pk), str(damaged.pk)], min_amount="150")
    assert set(fee.situations.all()) == {lost, damaged}

    revert_url = reverse("admin:guides_fee_simple_history", args=[fee.pk, before.history_id])
    page = admin_client.get(revert_url)
    response = admin_client.post(revert_url, form_data(page.content, "historicalfee_form"))
    assert response.status_code == HTTPStatus.FOUND
    fee.refresh_from_db()
    assert list(fee.situations.all()) == [lost]
    assert fee.min_amount == Decimal("100.00")


def test_deleting_is_recorded(editor_client, editor, content):
    notice = Notice.objects.get(key="fee-waiver-tip")
    url = reverse("admin:guides_notice_delete", args=[notice.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    record = Notice.history.filter(key="fee-waiver-tip").latest()
    assert record.history_type == "-"
    assert record.history_user == editor


# ── Freshness ────────────────────────────────────────────────────────────────


def test_stale_filter_and_mark_reviewed_action(editor_client, content):
    old = timezone.localdate() - timedelta(days=181)
    Fee.objects.filter(key="express-fee").update(reviewed_on=old)
    Fee.objects.filter(key="urgent-fee").update(reviewed_on=None)
    stale = editor_client.get(changelist_url(Fee), {"review": "stale"}).context["cl"].result_list
    assert {f.key for f in stale} == {"express-fee", "urgent-fee"}

    ids = [str(f.pk) for f in stale]
    response = editor_client.post(changelist_url(Fee), {"action": "mark_reviewed", "_selected_action": ids})
    assert response.status_code == HTTPStatus.FOUND
    assert set(Fee.objects.filter(pk__in=ids).values_list("reviewed_on", flat=True)) == {timezone.localdate()}
    assert Fee.history.filter(key="express-fee").latest().reviewed_on == timezone.localdate()
    assert not editor_client.get(changelist_url(Fee), {"review": "stale"}).context["cl"].result_list


def test_guide_page_shows_last_review_date(client, content):
    assert "最后审核于" in fee_page(client)


# ── Drafts and preview ───────────────────────────────────────────────────────


def test_drafts_show_to_staff_marked_and_to_nobody_else(client, editor_client, content):
    builders.fee(name="草稿手续费", min_amount=5, max_amount=5, is_published=False)
    public = fee_page(client)
    assert "草稿手续费" not in public and "编辑预览" not in public
    staff_response = editor_client.get(reverse("guides:guide", args=["professional-qualification", "lost"]))
    staff = staff_response.content.decode()
    assert "草稿手续费" in staff and "草稿</span>" in staff and "编辑预览" in staff
    assert "private" in staff_response["Cache-Control"] and "no-store" in staff_response["Cache-Control"]


def test_draft_certificate_type_page_is_for_staff_only_and_marked(client, editor_client, content):
    draft = builders.certificate_type(name="草稿证书", short_name="草稿证", is_published=False)
    url = reverse("guides:guide", args=[draft.slug, "lost"])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    staff = editor_client.get(url)
    assert staff.status_code == HTTPStatus.OK
    assert "证书类型“草稿证书”尚未发布" in staff.content.decode()


def test_staff_preview_a_future_fee(client, editor_client, content):
    national = Fee.objects.get(key="production-fee")
    Fee.objects.filter(pk=national.pk).update(effective_to=date(2099, 12, 31))
    builders.fee(name="工本费", min_amount=60, max_amount=60, effective_from=date(2100, 1, 1), replaces=national)
    url = reverse("guides:guide", args=["professional-qualification", "lost"])
    assert "60 元" not in client.get(url, {"on": "2100-01-01"}).content.decode()  # the public cannot time-travel
    future = editor_client.get(url, {"on": "2100-01-01"}).content.decode()
    assert "60 元" in future and "20–50 元" not in future and "2100-01-01" in future
    assert "20–50 元" in editor_client.get(url).content.decode()


def test_bad_preview_date_is_explained_not_an_error(editor_client, content):
    url = reverse("guides:guide", args=["professional-qualification", "lost"])
    response = editor_client.get(url, {"on": "2027-13-45"})
    assert response.status_code == HTTPStatus.OK
    assert "无法识别" in response.content.decode()


def test_view_on_site_links_to_a_page_showing_the_item(admin_client, content):
    fee = Fee.objects.get(key="newspaper-fee")
    html = admin_client.get(change_url(fee)).content.decode()
    assert "在网站上查看" in html and "历史与还原" in html
    url = admin_client.get(change_url(fee)).context["absolute_url"]
    assert "/lost/" in url
    assert "登报费" in admin_client.get(url).content.decode()


def test_view_on_site_for_a_future_item_opens_the_dated_preview(admin_client, content):
    future = builders.fee(effective_from=date(2100, 1, 1), min_amount=1, max_amount=1)
    url = admin_client.get(change_url(future)).context["absolute_url"]
    assert url.endswith("?on=2100-01-01")


# ── Live at once (one process; tests/caching/test_live_edits.py does two) ────────────


def test_region_edit_shows_on_the_next_request(editor_client, client, content):
    assert "020-12333" not in fee_page(client, "guangdong")  # warms the cached catalogue
    post_change(editor_client, Region.objects.get(slug="guangdong"), hotline="020-12333")
    assert "020-12333" in fee_page(client, "guangdong")


# ── Login lockout ────────────────────────────────────────────────────────────


def attempt_login(client, password):
    url = reverse("admin:login")
    return client.post(url, {"username": "bianji", "password": password, "next": reverse("admin:index")})


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_out_with_a_chinese_message(client, editor):
    for _ in range(2):
        assert attempt_login(client, "wrong").status_code == HTTPStatus.OK
    locked = attempt_login(client, "wrong")
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "登录已暂时锁定" in locked.content.decode()
    assert "60 分钟后再试" in locked.content.decode()
    assert "证书补办指南 · 内容管理" in locked.content.decode() and "Django" not in locked.content.decode()
    # Even the right password is refused while locked out.
    assert attempt_login(client, "correct horse 42").status_code == HTTPStatus.TOO_MANY_REQUESTS


@override_settings(AXES_FAILURE_LIMIT=3, CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_a_load_balancer_the_lockout_counts_each_client_address(editor):
    balancer = "10.0.0.1"
    attacker = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(3):
        attempt_login(attacker, "wrong")
    assert attempt_login(attacker, "correct horse 42").status_code == HTTPStatus.TOO_MANY_REQUESTS
    # The editor, behind the same balancer but at another address, is not locked out with it.
    editor_at_work = Client(REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert attempt_login(editor_at_work, "correct horse 42").status_code == HTTPStatus.FOUND


def test_right_password_logs_in_and_test_client_login_still_works(client, editor):
    assert attempt_login(client, "correct horse 42").status_code == HTTPStatus.FOUND
    assert client.login(username="bianji", password="correct horse 42")


@override_settings(AXES_ENABLED=False, AXES_FAILURE_LIMIT=1)
def test_lockout_can_be_switched_off(client, editor):
    attempt_login(client, "wrong")
    assert attempt_login(client, "correct horse 42").status_code == HTTPStatus.FOUND


def test_admin_index_lists_what_editors_change_most_first(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    positions = [
        html.index(reverse(f"admin:guides_{name}_changelist")) for name in ["fee", "material", "step", "holiday"]
    ]
    assert positions == sorted(positions)


HISTORY_MODELS = [m for m in GUIDE_MODELS if hasattr(admin.site._registry[m], "history_form_view")]


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda m: m.__name__)
def test_a_malformed_history_id_is_not_found(admin_client, model):
    name = f"admin:guides_{model._meta.model_name}"
    urls = [
        reverse(f"{name}_simple_history", args=[1, "abc"]),
        reverse(f"{name}_simple_history", args=["abc", 1]),
        reverse(f"{name}_simple_history", args=[1, 999999]),
        reverse(f"{name}_history", args=["abc"]),
    ]
    for url in urls:
        assert admin_client.get(url).status_code == HTTPStatus.NOT_FOUND, url


# ── Deleting a limit ─────────────────────────────────────────────────────────


def test_deleting_a_region_items_are_limited_to_is_refused_and_lists_them(admin_client, content):
    region = builders.region(name="测试省")
    builders.fee(name="测试省专用费", regions=[region], min_amount=1, max_amount=1)
    url = reverse("admin:guides_region_delete", args=[region.pk])
    page = admin_client.get(url).content.decode()
    assert "测试省专用费" in page and "改为草稿" in page
    admin_client.post(url, {"post": "yes"})
    assert Region.objects.filter(pk=region.pk).exists()

    bulk = {"action": "delete_selected", "_selected_action": [str(region.pk)], "post": "yes"}
    page = admin_client.post(changelist_url(Region), bulk).content.decode()
    assert "测试省专用费" in page
    assert Region.objects.filter(pk=region.pk).exists()


def test_a_region_nothing_is_limited_to_can_be_deleted(admin_client, content):
    region = builders.region()
    response = admin_client.post(reverse("admin:guides_region_delete", args=[region.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert not Region.objects.filter(pk=region.pk).exists()


# ── Stale saves ──────────────────────────────────────────────────────────────


def test_saving_a_form_opened_before_someone_else_saved_is_refused(admin_client, editor_client, content):
    fee = Fee.objects.get(key="newspaper-fee")
    url = change_url(fee)
    data = form_data(admin_client.get(url).content, "fee_form", min_amount="111.00")
    assert post_change(editor_client, fee, max_amount="333").status_code == HTTPStatus.FOUND
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "保存失败：此记录在您打开后已被 bianji" in html and "最高金额" in html
    assert 'value="111.00"' in html
    fee.refresh_from_db()
    assert fee.max_amount == Decimal("333.00") and fee.min_amount == Decimal("100.00")


def changelist_rows(html):
    """The changelist form's data and, per pk, the prefix of its row ("form-0")."""
    data = form_data(html, "changelist-form")
    rows = {value[0]: name.removesuffix("-id") for name, value in data.items() if name.endswith("-id")}
    return data, rows


def test_saving_a_list_opened_before_someone_else_saved_a_row_is_refused(admin_client, editor_client, content):
    changed_by_editor = Fee.objects.get(key="newspaper-fee")
    changed_by_admin = Fee.objects.get(key="production-fee")
    page = admin_client.get(changelist_url(Fee))
    data, rows = changelist_rows(page.content)
    assert f"{rows[str(changed_by_editor.pk)]}-opened_version" in data, "rows carry no opened version"
    assert post_change(editor_client, changed_by_editor, max_amount="333").status_code == HTTPStatus.FOUND

    data[f"{rows[str(changed_by_admin.pk)]}-min_amount"] = ["7.00"]
    data["_save"] = ["保存"]
    response = admin_client.post(changelist_url(Fee), data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "保存失败：此记录在您打开后已被 bianji" in html and "最高金额" in html
    assert 'value="7.00"' in html, "the editor's typed value is gone"
    changed_by_editor.refresh_from_db()
    changed_by_admin.refresh_from_db()
    assert changed_by_editor.max_amount == Decimal("333.00")
    assert changed_by_admin.min_amount != Decimal("7.00")

    # Resubmitting the re-rendered list, having seen the message, saves it.
    data, _ = changelist_rows(response.content)
    data["_save"] = ["保存"]
    assert admin_client.post(changelist_url(Fee), data).status_code == HTTPStatus.FOUND
    changed_by_admin.refresh_from_db()
    assert changed_by_admin.min_amount == Decimal("7.00")


def test_a_list_save_is_not_refused_over_a_row_changed_only_outside_the_list(admin_client, editor_client, content):
    other = Fee.objects.get(key="newspaper-fee")
    mine = Fee.objects.get(key="production-fee")
    data, rows = changelist_rows(admin_client.get(changelist_url(Fee)).content)
    assert post_change(editor_client, other, note="编辑改了说明").status_code == HTTPStatus.FOUND
    data[f"{rows[str(mine.pk)]}-min_amount"] = ["7.00"]
    data["_save"] = ["保存"]
    assert admin_client.post(changelist_url(Fee), data).status_code == HTTPStatus.FOUND
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.min_amount == Decimal("7.00") and other.note == "编辑改了说明"


def test_a_step_form_opened_before_someone_changed_its_channels_is_refused(admin_client, editor_client, content):
    step = Step.objects.filter(channels__isnull=False).distinct().first()
    url = change_url(step)
    stale = form_data(admin_client.get(url).content, "step_form")
    page = editor_client.get(url)
    fresh = form_data(page.content, "step_form", **{"channels-0-label": "编辑改的渠道"})
    assert editor_client.post(url, fresh).status_code == HTTPStatus.FOUND
    stale["channels-0-description"] = ["管理员改的说明"]
    response = admin_client.post(url, stale)
    assert response.status_code == HTTPStatus.OK
    assert "保存失败" in response.content.decode()
    assert step.channels.order_by("order").first().label == "编辑改的渠道"


def test_step_channels_are_read_only_outside_their_step(admin_client, content):
    channel = StepChannel.objects.first()
    assert admin_client.get(change_url(channel)).status_code == HTTPStatus.OK
    before = channel.label
    admin_client.post(change_url(channel), {"label": "改了", "kind": channel.kind, "step": channel.step_id})
    channel.refresh_from_db()
    assert channel.label == before


def test_editors_see_the_advice_flag_and_the_complex_case_unit(admin_client, content):
    precondition = admin_client.get(change_url(Precondition.objects.get(key="paper-certificate-needed")))
    assert 'name="is_advice"' in precondition.content.decode()
    assert "只是建议" in precondition.content.decode()
    time = admin_client.get(change_url(ProcessingTime.objects.get(key="review-period")))
    assert 'name="complex_unit"' in time.content.decode()
    assert '<option value="calendar" selected>自然日</option>' in time.content.decode()
