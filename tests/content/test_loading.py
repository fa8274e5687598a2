import json

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from guides.models import FAQ, CertificateType, Fee, Material, Notice, Precondition, Region, Source, Step

pytestmark = pytest.mark.django_db


def row_counts():
    return {model.__name__: model.objects.count() for model in apps.get_app_config("guides").get_models()}


def test_loading_twice_leaves_the_same_rows(content):
    first = row_counts()
    call_command("load_content", *settings.CONTENT_FIXTURES, verbosity=0)
    assert row_counts() == first


def test_fixtures_hold_the_article_structure(content):
    assert Region.objects.count() == 31
    assert CertificateType.objects.count() >= 3
    # identity unchanged; "not deliberately destroyed" had no source and is unpublished (issue 18)
    assert Precondition.objects.filter(is_published=True, certificate_types__isnull=True).count() == 1
    assert (
        Material.objects.filter(
            key__in=["id-card", "loss-notice", "photo", "employment-proof", "application-form"]
        ).count()
        == 5
    )
    assert Material.objects.get(key="employment-proof").requirement == "optional"
    # submit (the article's, for 技能/职称) and 技能's "find the issuer"; 专技's step (16号) replaces the first.
    # No 挂失 step: no official page has one (issue 18 §7 row 4).
    assert Step.objects.filter(is_published=True, situations__isnull=True, replaces__isnull=True).count() == 2
    # 工本费, 登报费 (the article's, marked), 广东/上海 postage (到付) and 陕西's; no invented 加急 fee
    assert Fee.objects.filter(is_published=True).count() == 5
    assert not Fee.objects.filter(is_published=True, name__contains="加急").exists()
    # The FAQs now rest on 16号 and 广东's page, not on the article.
    assert not FAQ.objects.filter(is_published=True, source__key="shuzidu-8006").exists()
    article = Source.objects.get(key="shuzidu-8006")
    assert article.url == "https://www.shuzidu.com/kaoshishengxue/8006.html"


def test_research_drafts_are_unpublished_and_sourced(content):
    from guides.models import Notice

    drafts = Notice.objects.filter(key__startswith="draft-")
    assert drafts.exists()
    assert not drafts.filter(is_published=True).exists()
    assert not drafts.filter(source__isnull=True).exists()
    assert all("待核实" in d.source.note for d in drafts)
    # A repost of an identified official text, checked against its page, is published as 官方转载
    # (issue 18); what stays a draft rests on third-party research.
    assert {d.source.authority for d in drafts} == {"third-party"}
    assert Notice.objects.filter(is_published=True, source__authority="official-repost").count() >= 7


def write_fixture(tmp_path, objects):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_broken_fixture_names_the_object_and_changes_nothing(content, tmp_path):
    before = row_counts()
    fixture = write_fixture(
        tmp_path,
        [
            {"model": "guides.material", "fields": {"key": "new-good", "name": "新材料", "source": ["shuzidu-8006"]}},
            {
                "model": "guides.fee",
                "fields": {
                    "key": "bad-fee",
                    "name": "坏费用",
                    "min_amount": "50",
                    "max_amount": "20",
                    "source": ["shuzidu-8006"],
                },
            },
        ],
    )
    with pytest.raises((DatabaseError, CommandError, ValueError)) as error:
        call_command("load_content", fixture, verbosity=0)
    assert "guides.Fee ['bad-fee']" in str(error.value)
    assert "max_amount" in str(error.value)
    assert row_counts() == before
    assert not Material.objects.filter(key="new-good").exists()


def test_fixture_naming_a_missing_object_fails_clearly(content, tmp_path):
    before = row_counts()
    fixture = write_fixture(
        tmp_path,
        [
            {
                "model": "guides.material",
                "fields": {
                    "key": "orphan",
                    "name": "孤儿",
                    "situations": [["no-such-situation"]],
                    "source": ["shuzidu-8006"],
                },
            }
        ],
    )
    with pytest.raises(Exception) as error:
        call_command("load_content", fixture, verbosity=0)
    assert "no-such-situation" in str(error.value) or "Situation" in str(error.value)
    assert row_counts() == before


def test_reloading_keeps_an_editors_change_and_names_it(content, admin_client):
    from io import StringIO

    fee = Fee.objects.get(key="production-fee")
    fee.min_amount = 35
    fee._change_reason = "编辑修改"
    fee.save()  # as admin saves it: a history record that is not a load
    err = StringIO()
    call_command("load_content", *settings.CONTENT_FIXTURES, verbosity=0, stderr=err)
    fee.refresh_from_db()
    assert fee.min_amount == 35
    assert "guides.Fee ['production-fee']" in err.getvalue()
    assert "--overwrite-edits" in err.getvalue()


def test_reloading_with_overwrite_replaces_the_edit(content):
    from io import StringIO

    fee = Fee.objects.get(key="production-fee")
    loaded = fee.min_amount
    fee.min_amount = 35
    fee.save()
    call_command("load_content", *settings.CONTENT_FIXTURES, "--overwrite-edits", verbosity=0)
    fee.refresh_from_db()
    assert fee.min_amount == loaded
    # Now the row is as loaded again: a plain reload touches it without a word.
    err = StringIO()
    call_command("load_content", *settings.CONTENT_FIXTURES, verbosity=0, stderr=err)
    assert err.getvalue() == ""


def test_reloading_keeps_an_editors_change_of_limits(content):
    from guides.models import Region

    fee = Fee.objects.get(key="production-fee")
    fee.regions.add(Region.objects.get(slug="guangdong"))
    call_command("load_content", *settings.CONTENT_FIXTURES, verbosity=0)
    assert list(fee.regions.values_list("slug", flat=True)) == ["guangdong"]


def test_a_changed_fixture_reloads_over_a_loaded_item_with_limits(content, tmp_path):
    """Setting a loaded item's limits is part of the load, not an editor's change to keep."""
    from io import StringIO

    item = {
        "key": "limited-notice",
        "title": "只在广东",
        "body": "第一版",
        "regions": [["guangdong"]],
        "source": ["shuzidu-8006"],
    }
    call_command("load_content", write_fixture(tmp_path, [{"model": "guides.notice", "fields": item}]), verbosity=0)
    item["body"] = "第二版"
    err = StringIO()
    call_command(
        "load_content", write_fixture(tmp_path, [{"model": "guides.notice", "fields": item}]), verbosity=0, stderr=err
    )
    assert err.getvalue() == ""
    assert Notice.objects.get(key="limited-notice").body == "第二版"


# ── Rows an editor deleted or renamed are edits too: kept, named, restored on request (issue 20, point 9) ──


def content_counts():
    return {name: n for name, n in row_counts().items() if not name.startswith("Historical")}


def reload(*flags):
    from io import StringIO

    err = StringIO()
    call_command("load_content", *settings.CONTENT_FIXTURES, *flags, verbosity=0, stderr=err)
    return err.getvalue()


def test_reloading_does_not_bring_back_a_row_an_editor_deleted(content):
    before = content_counts()
    Fee.objects.get(key="production-fee").delete()  # as admin deletes it: a "-" history record
    err = reload()
    assert not Fee.objects.filter(key="production-fee").exists()
    assert "guides.Fee ['production-fee']（编辑已在后台删除）" in err
    assert content_counts()["Fee"] == before["Fee"] - 1

    err = reload("--overwrite-edits")
    assert Fee.objects.filter(key="production-fee").exists()
    assert content_counts() == before
    assert reload() == ""  # as loaded again: nothing to name


@pytest.mark.parametrize(
    ("model", "field", "old", "new"),
    [
        (Fee, "key", "production-fee", "production-fee-edited"),
        ("DirectoryEntry", "slug", "certified-public-accountant", "cpa"),
    ],
)
def test_reloading_does_not_duplicate_a_row_an_editor_renamed(content, model, field, old, new):
    model = apps.get_model("guides", model) if isinstance(model, str) else model
    before = content_counts()
    row = model.objects.get(**{field: old})
    setattr(row, field, new)
    row.save()
    err = reload()
    assert content_counts() == before  # no second copy under the old name
    assert not model.objects.filter(**{field: old}).exists()
    assert f"[{old!r}]（编辑已在后台改名为 [{new!r}]）" in err

    reload("--overwrite-edits")
    assert content_counts() == before
    row.refresh_from_db()
    assert getattr(row, field) == old  # the file's version, on the same row


def test_reloading_does_not_duplicate_a_channel_an_editor_relabelled(content):
    from guides.models import StepChannel

    before = content_counts()
    channel = StepChannel.objects.get(step__key="report-loss-generic", label="线上渠道")
    channel.label = "网上办理"
    channel.save()
    err = reload()
    assert content_counts() == before
    assert "guides.StepChannel ['report-loss-generic', 'online', '线上渠道']（编辑已在后台改名为" in err
    reload("--overwrite-edits")
    channel.refresh_from_db()
    assert channel.label == "线上渠道" and content_counts() == before


def test_reloading_keeps_a_deleted_step_and_its_channels_deleted(content):
    step = Step.objects.get(key="report-loss-generic")
    channels = step.channels.count()
    assert channels
    before = content_counts()
    step.delete()  # its channels go with it
    err = reload()
    assert not Step.objects.filter(key="report-loss-generic").exists()
    assert content_counts()["StepChannel"] == before["StepChannel"] - channels
    assert "guides.Step ['report-loss-generic']（编辑已在后台删除）" in err
    assert "所属的 guides.Step ['report-loss-generic'] 编辑已在后台删除" in err

    reload("--overwrite-edits")
    assert content_counts() == before


def test_reloading_follows_a_renamed_step_to_its_channels(content, tmp_path):
    step = Step.objects.get(key="report-loss-generic")
    step.key = "report-loss-edited"
    step.save()
    before = content_counts()
    err = reload()
    assert content_counts() == before
    assert "guides.Step ['report-loss-generic']（编辑已在后台改名为 ['report-loss-edited']）" in err
    assert "StepChannel" not in err  # its channels were found under the new name, unchanged
