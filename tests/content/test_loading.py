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
    assert Precondition.objects.filter(is_published=True, certificate_types__isnull=True).count() == 2
    assert (
        Material.objects.filter(
            key__in=["id-card", "loss-notice", "photo", "employment-proof", "application-form"]
        ).count()
        == 5
    )
    assert Material.objects.get(key="employment-proof").requirement == "optional"
    # + 挂失 (lost only); the 专技 wording of a step or FAQ replaces its general one
    assert Step.objects.filter(is_published=True, situations__isnull=True, replaces__isnull=True).count() == 2
    assert Fee.objects.filter(is_published=True).count() == 4
    assert FAQ.objects.filter(is_published=True, source__key="shuzidu-8006", replaces__isnull=True).count() == 2
    article = Source.objects.get(key="shuzidu-8006")
    assert article.url == "https://www.shuzidu.com/kaoshishengxue/8006.html"


def test_research_drafts_are_unpublished_and_sourced(content):
    from guides.models import Notice

    drafts = Notice.objects.filter(key__startswith="draft-")
    assert drafts.exists()
    assert not drafts.filter(is_published=True).exists()
    assert not drafts.filter(source__isnull=True).exists()
    assert all("待核实" in d.source.note for d in drafts)
    # A fact found only in a repost stays a draft: none of them rests on an official original.
    assert {d.source.authority for d in drafts} <= {"official-repost", "third-party"}
    assert drafts.filter(source__authority="official-repost").count() >= 7


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
