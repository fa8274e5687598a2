"""Editors, round two (issue 22): nothing unsourced goes public, review by how sure a source is,
scheduled changes that cannot erase today, every page's rows one click away, history and words."""

import json
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guides.content.checks import check_content
from guides.models import FAQ, DirectoryEntry, Fee, Material, Notice, Office, Precondition, Region, Source
from guides.registry import GUIDE_ITEM_MODELS, GUIDE_SECTIONS
from tests import builders
from tests.admin.test_admin import change_url, changelist_url, post_change
from tests.formscrape import form_data

pytestmark = pytest.mark.django_db

NATIONAL_LOST = "/guides/professional-qualification/lost/"
GUANGDONG_LOST = "/guides/professional-qualification/lost/guangdong/"


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def add_form(client, model, query="", **overrides):
    url = reverse(f"admin:guides_{model._meta.model_name}_add") + query
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    return url, form_data(page.content, f"{model._meta.model_name}_form", **overrides)


# ── §1 Nothing unsourced goes public ─────────────────────────────────────────


@pytest.mark.parametrize("model", GUIDE_ITEM_MODELS + [DirectoryEntry])
def test_new_rows_start_as_drafts(admin_client, content, model):
    assert model().is_published is False
    html = admin_client.get(reverse(f"admin:guides_{model._meta.model_name}_add")).content.decode()
    assert 'name="is_published"' in html
    assert 'name="is_published" checked' not in html


@pytest.mark.parametrize("model", [FAQ, Material, Notice])
def test_publishing_on_the_form_needs_a_source(admin_client, content, model):
    fields = {
        FAQ: {"question": "测试问题？", "answer": "测试回答。"},
        Material: {"name": "测试材料", "requirement": "required"},
        Notice: {"kind": "info", "title": "测试提示", "body": "内容。"},
    }[model]
    url, data = add_form(admin_client, model, is_published="on", **fields)
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "发布前请填写来源" in response.content.decode()
    assert not model.objects.filter(**{k: v for k, v in fields.items() if k != "requirement"}).exists()
    # As a draft it saves, and nobody but editors sees it.
    data.pop("is_published")
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    assert not model.objects.get(**{k: v for k, v in fields.items() if k != "requirement"}).is_published


def test_publishing_in_a_list_cell_needs_a_source(admin_client, content):
    draft = builders.fee(name="无来源的费用", min_amount=1, max_amount=2, is_published=False)
    url = changelist_url(Fee) + f"?q={draft.name}"
    data = form_data(admin_client.get(url).content, "changelist-form", **{"form-0-is_published": "on"})
    data["_save"] = "保存"
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "来源：发布前请填写来源" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


def test_the_bulk_action_publishes_only_sourced_rows_and_names_the_rest(admin_client, client, content):
    source = Office.objects.exclude(source=None).first().source
    unsourced = Office.objects.create(key="t-office-a", name="无来源窗口", handles="补办", phone="12333")
    sourced = Office.objects.create(key="t-office-b", name="有来源窗口", handles="补办", phone="12333", source=source)
    response = admin_client.post(
        changelist_url(Office),
        {"action": "publish", "_selected_action": [unsourced.pk, sourced.pk]},
        follow=True,
    )
    said = " ".join(messages_of(response))
    assert "已发布 1 条内容" in said
    assert "“无来源窗口”：来源：发布前请填写来源" in said
    unsourced.refresh_from_db()
    sourced.refresh_from_db()
    assert sourced.is_published and not unsourced.is_published
    # The unsourced office is not on the page that lists offices.
    assert "无来源窗口" not in client.get(NATIONAL_LOST).content.decode()


def test_a_fixture_row_that_would_publish_without_a_source_is_refused(content, tmp_path):
    row = {"key": "fixture-notice", "title": "无来源", "body": "内容"}
    path = tmp_path / "notice.json"
    path.write_text(json.dumps([{"model": "guides.notice", "fields": row}]), encoding="utf-8")
    with pytest.raises(Exception, match="发布前请填写来源"):
        call_command("load_content", str(path), verbosity=0)
    assert not Notice.objects.filter(key="fixture-notice").exists()
    # The same row as a draft loads.
    path.write_text(json.dumps([{"model": "guides.notice", "fields": {**row, "is_published": False}}]))
    call_command("load_content", str(path), verbosity=0)
    assert not Notice.objects.get(key="fixture-notice").is_published


def test_plain_loaddata_validates_content_rows_too(content, tmp_path):
    source = Source.objects.filter(authority=Source.Authority.OFFICIAL).first()
    office = {
        "key": "js-office",
        "name": "坏链接",
        "handles": "补办",
        "phone": "12333",
        "website": "javascript:alert(1)",
        "is_published": True,
        "source": source.pk,
    }
    path = tmp_path / "office.json"
    path.write_text(json.dumps([{"model": "guides.office", "fields": office}]))
    with pytest.raises(ValidationError, match="load_content"):
        call_command("loaddata", str(path), verbosity=0)
    assert not Office.objects.filter(key="js-office").exists()
    # Unsourced and published: refused as well.
    office.update(website="https://example.gov.cn/", source=None)
    path.write_text(json.dumps([{"model": "guides.office", "fields": office}]))
    with pytest.raises(ValidationError, match="来源"):
        call_command("loaddata", str(path), verbosity=0)


def test_check_content_errors_on_what_validation_forbids(content):
    office = Office.objects.create(key="sql-office", name="绕过校验", handles="补办", phone="12333", is_published=True)
    errors = [f for f in check_content() if f.level == "错误" and "sql-office" in f.subject]
    assert any("发布前请填写来源" in f.reason for f in errors), errors
    office.delete()


# ── §2 Review by how sure a source is ───────────────────────────────────────


@pytest.mark.parametrize("model", GUIDE_ITEM_MODELS + [DirectoryEntry])
def test_every_item_list_filters_and_shows_source_authority(admin_client, content, model):
    html = admin_client.get(changelist_url(model) + "?authority=third-party").content.decode()
    assert "来源可信程度" in html  # the filter and the column
    assert "?authority=official" in html and "?authority=none" in html


def test_the_third_party_filter_lists_only_third_party_rows(admin_client, content):
    response = admin_client.get(changelist_url(Fee) + "?authority=third-party")
    shown = list(response.context["cl"].result_list)
    assert shown and all(fee.source.authority == Source.Authority.THIRD_PARTY for fee in shown)


def test_the_source_list_shows_authority_read_date_and_citing_count_in_constant_queries(admin_client, content):
    url = changelist_url(Source)
    response = admin_client.get(url)
    html = response.content.decode()
    for heading in ("可信程度", "查阅日期", "引用它的内容"):
        assert heading in html
    article = Source.objects.get(key="shuzidu-8006")
    counted = next(s for s in response.context["cl"].result_list if s.pk == article.pk)
    expected = sum(m.objects.filter(source=article).count() for m in [*GUIDE_ITEM_MODELS, DirectoryEntry])
    assert counted.citing >= expected > 10
    with CaptureQueriesContext(connection) as before:
        admin_client.get(url)
    for n in range(5):
        Source.objects.create(key=f"extra-{n}", title=f"新增来源{n}")
    with CaptureQueriesContext(connection) as after:
        admin_client.get(url)
    assert len(after) == len(before)


def test_a_source_page_lists_the_items_that_cite_it(admin_client, content):
    fee = Fee.objects.get(key="production-fee")
    html = admin_client.get(change_url(fee.source)).content.decode()
    assert "引用这个来源的内容" in html
    assert f'href="{change_url(fee)}"' in html


def test_the_review_queue_is_one_click_from_the_index(admin_client, content):
    index = admin_client.get(reverse("admin:index")).content.decode()
    queue_url = reverse("admin:review")
    assert f'href="{queue_url}"' in index
    html = admin_client.get(queue_url).content.decode()
    assert "来源超过 180 天未查阅" in html and "仅有第三方资料" in html
    fee = Fee.objects.get(key="production-fee")
    assert f'href="{change_url(fee)}"' in html  # a published fee on the third-party article
    official = Fee.objects.filter(is_published=True, source__authority="official").first()
    if official is not None:
        assert f'href="{change_url(official)}"' not in html


# ── §3 Scheduled changes that cannot erase today ─────────────────────────────


def fee_cell(html, name="工本费"):
    row = html.split(f"{name} ", 1)[1] if f"{name} " in html else html.split(name, 1)[1]
    return row.split("</td>", 1)[0]


def test_scheduling_a_fee_change_keeps_today_and_shows_the_new_value_from_its_date(admin_client, client, content):
    national = Fee.objects.get(key="production-fee")
    today_page = client.get(NATIONAL_LOST).content.decode()
    starts = timezone.localdate() + timedelta(days=30)
    schedule = change_url(national)
    assert "安排变更" in admin_client.get(schedule).content.decode()
    url, data = add_form(
        admin_client,
        Fee,
        f"?schedule={national.pk}",
        min_amount="77.00",
        max_amount="77.00",
        effective_from=starts.isoformat(),
    )
    assert data["replaces"] in (str(national.pk), [str(national.pk)]) and national.name in str(data["name"])
    response = admin_client.post(url, data, follow=True)
    said = " ".join(messages_of(response))
    assert f"将于 {starts:%Y-%m-%d} 起生效" in said and "已在网站上生效" not in said
    new = Fee.objects.get(replaces=national, min_amount=Decimal("77.00"))
    assert new.is_published and new.source_id == national.source_id

    # Today's public page is unchanged; the dated preview and that day show 77 元.
    assert client.get(NATIONAL_LOST).content.decode().count("77 元") == today_page.count("77 元")
    assert "77 元" in admin_client.get(f"{NATIONAL_LOST}?on={starts.isoformat()}").content.decode()
    # On that day the public page shows it with no edit in between: nothing cached the
    # day before is served (whole pages are keyed by the date).
    with time_machine.travel(starts, tick=False):
        assert "77 元" in client.get(NATIONAL_LOST).content.decode()


def test_a_scheduled_change_must_start_after_today(admin_client, content):
    national = Fee.objects.get(key="production-fee")
    url, data = add_form(admin_client, Fee, f"?schedule={national.pk}", effective_from=timezone.localdate().isoformat())
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "安排变更的生效日期必须晚于今天" in response.content.decode()


def test_moving_a_live_rows_start_into_the_future_is_refused(admin_client, client, content):
    national = Fee.objects.get(key="production-fee")
    later = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = post_change(admin_client, national, effective_from=later)
    assert response.status_code == HTTPStatus.OK
    assert "正在网站上生效" in response.content.decode() and "安排变更" in response.content.decode()
    national.refresh_from_db()
    assert national.effective_from is None
    # A draft may be dated freely: it is not on the site today anyway.
    draft = builders.fee(name="草稿费", min_amount=1, max_amount=1, is_published=False)
    assert post_change(admin_client, draft, effective_from=later).status_code == HTTPStatus.FOUND


# ── §4 Which row controls which page ─────────────────────────────────────────


def guangdong_fee():
    national = Fee.objects.get(key="production-fee")
    return builders.fee(
        name="工本费",
        key="gd-production-fee",
        min_amount=30,
        max_amount=30,
        replaces=national,
        regions=[Region.objects.get(slug="guangdong")],
        source=national.source,
    )


def test_the_fee_list_shows_what_replaces_what_with_limits_and_no_english_ids(admin_client, content):
    guangdong = guangdong_fee()
    html = admin_client.get(changelist_url(Fee)).content.decode()
    assert "替代" in html and "工本费（全国）" in html
    form = admin_client.get(change_url(guangdong)).content.decode()
    assert "production-fee）" not in form  # the dropdown names limits, not identifiers
    assert "工本费（全国）" in form


def test_sources_and_directory_entries_get_their_identifier_from_the_form(admin_client, content):
    url, data = add_form(admin_client, Source, title="某省人社厅公告", authority="official-repost")
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert Source.objects.get(title="某省人社厅公告").key.startswith("source-")
    url, data = add_form(
        admin_client,
        DirectoryEntry,
        name="测试证",
        kind="other",
        reissued_by="某机关",
        how="去某机关补领。",
    )
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert DirectoryEntry.objects.get(name="测试证").slug.startswith("directoryentry-")


def test_admin_names_are_the_public_headings():
    labels = {section.model: section.label for section in GUIDE_SECTIONS}
    assert Precondition._meta.verbose_name_plural == labels[Precondition] == "能否补办"
    assert Notice._meta.verbose_name_plural == labels[Notice] == "注意事项"


def test_the_staff_preview_links_every_item_to_admin_and_lists_the_pages_rows(admin_client, client, content):
    guangdong = guangdong_fee()
    response = admin_client.get(GUANGDONG_LOST)
    html = response.content.decode()
    guide = response.context["guide"]
    for item in guide.items():
        assert f'href="{change_url(item)}"' in html, item
    assert f"本页显示的 {len(guide.items())} 条内容" in html
    assert f'<a href="{change_url(guangdong)}">工本费</a></td><td>本省</td>' in html
    assert "/admin/" not in client.get(GUANGDONG_LOST).content.decode()


def test_one_item_across_provinces_in_one_editable_list(admin_client, content):
    guangdong = guangdong_fee()
    national = guangdong.replaces
    other = Fee.objects.exclude(pk__in=[national.pk, guangdong.pk]).first()
    url = changelist_url(Fee) + f"?family={national.pk}"
    response = admin_client.get(url)
    shown = {fee.pk for fee in response.context["cl"].result_list}
    assert shown == {national.pk, guangdong.pk} and other.pk not in shown
    assert f"?family={national.pk}" in admin_client.get(change_url(guangdong)).content.decode()  # "各地对照"
    data = form_data(response.content, "changelist-form")
    row = next(k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and str(guangdong.pk) in v)
    data.update({f"{row}-min_amount": "31.00", f"{row}-max_amount": "31.00", "_save": "保存"})
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    guangdong.refresh_from_db()
    assert guangdong.max_amount == Decimal("31.00")


# ── §5 History, words ────────────────────────────────────────────────────────


def test_revert_shows_what_will_change_and_keeps_a_reason(admin_client, content):
    fee = Fee.objects.get(key="production-fee")
    old_max = fee.max_amount
    response = post_change(admin_client, fee, max_amount="999.00", change_reason="据测试公告调整")
    assert response.status_code == HTTPStatus.FOUND
    latest = fee.history.latest()
    assert latest.history_change_reason == "据测试公告调整"
    first = fee.history.order_by("history_date", "history_id").first()
    url = reverse("admin:guides_fee_simple_history", args=[fee.pk, first.history_id])
    # The row that shows the change carries the link that undoes it.
    history = admin_client.get(reverse("admin:guides_fee_history", args=[fee.pk])).content.decode()
    changed_row = history.split("据测试公告调整", 1)[1].split("</tr>", 1)[0]
    assert f'href="{url}" class="undo-change">撤销这次改动' in changed_row
    html = admin_client.get(url).content.decode()
    assert "还原会改动什么" in html
    assert "最高金额（元）</th><td>999.00</td><td><strong>" in html
    assert "Historical" not in html and "Guides" not in html and "历史与还原</a> &rsaquo;" in html
    data = form_data(html.encode(), "historicalfee_form", change_reason="误改，恢复")
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    fee.refresh_from_db()
    assert fee.max_amount == old_max
    reason = fee.history.latest().history_change_reason
    assert reason.startswith("还原到 ") and reason.endswith("误改，恢复")


def limits_of(record):
    return sorted(row.region_id for row in record.regions.all())


def test_one_save_is_one_history_record_holding_its_limits_and_reverting_to_it_keeps_them(admin_client, content):
    guangdong, shanghai = Region.objects.get(slug="guangdong"), Region.objects.get(slug="shanghai")
    url, data = add_form(
        admin_client, Material, name="限地区的材料", requirement="required", regions=[str(guangdong.pk)]
    )
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    material = Material.objects.get(name="限地区的材料")
    [added] = material.history.all()  # not a record without its limits, then one per limit set
    assert added.history_type == "+" and limits_of(added) == [guangdong.pk]

    response = post_change(admin_client, material, regions=[str(shanghai.pk)], change_reason="改为上海")
    assert response.status_code == HTTPStatus.FOUND
    changed, first = material.history.order_by("-history_id")
    assert (changed.history_type, changed.history_change_reason) == ("~", "改为上海")
    assert limits_of(changed) == [shanghai.pk] and limits_of(first) == [guangdong.pk]

    # Reverting to the row as it was added brings its limit back (it emptied them before).
    revert = reverse("admin:guides_material_simple_history", args=[material.pk, first.history_id])
    html = admin_client.get(revert).content.decode()
    assert (
        admin_client.post(revert, form_data(html.encode(), "historicalmaterial_form")).status_code == HTTPStatus.FOUND
    )
    assert sorted(material.regions.values_list("pk", flat=True)) == [guangdong.pk]
    assert material.history.count() == 3 and limits_of(material.history.latest()) == [guangdong.pk]


def test_stock_phrases_read_naturally(admin_client, content):
    html = admin_client.get(changelist_url(Fee)).content.decode()
    assert "选择要修改的费用" in html and "选择 费用 来修改" not in html
    assert "以 已发布" not in html and "按已发布" in html
    assert "无可选的" not in admin_client.get(reverse("admin:index")).content.decode()


def test_admin_pages_say_beijing_time_once_and_hide_the_offset_note(admin_client, content):
    html = admin_client.get(change_url(Fee.objects.get(key="production-fee"))).content.decode()
    assert "日期与时间均为北京时间" in html
    assert "admin_extra/editors.css" in html
    assert 'data-admin-utc-offset="28800"' in html  # 今天/现在 shortcuts give Beijing time
