"""Issue 18 §1: the answer follows the best source — `check_content` errors when a worse source hides a better one.

Today's real content passes: see KNOWN_CONTENT_ERRORS in test_export_and_checks.py.
"""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from guides.content.checks import ERROR, WARNING, check_content
from guides.models import DirectoryEntry, Region, Source
from guides.registry import GUIDE_ITEM_MODELS
from tests import builders

pytestmark = pytest.mark.django_db


def source(authority, **kwargs):
    key = f"test-{authority}-{Source.objects.count()}"
    return Source.objects.create(key=key, title=f"来源{key}", authority=authority, **kwargs)


def errors():
    return [f for f in check_content() if f.level == ERROR]


def test_a_third_party_item_replacing_an_official_repost_is_an_error_naming_both(content):
    guangdong = Region.objects.get(slug="guangdong")
    official = builders.material(
        name="广东补发申请表", source=source(Source.Authority.OFFICIAL_REPOST), regions=[guangdong], is_published=True
    )
    article = builders.material(
        name="文章说的申请表",
        source=source(Source.Authority.THIRD_PARTY),
        regions=[guangdong],
        replaces=official,
        is_published=True,
    )
    found = [f for f in errors() if f.subject == f"申请材料「文章说的申请表」({article.key})"]
    assert len(found) == 1, [str(f) for f in errors()]
    reason = found[0].reason
    assert f"申请材料「广东补发申请表」({official.key})" in reason
    assert "依据第三方资料《" in reason and "依据官方转载《" in reason
    assert "（广东）" in reason  # the pages where the worse source shows
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_content", stdout=out)
    assert "文章说的申请表" in out.getvalue()


def test_an_item_without_a_source_may_not_replace_an_official_one(content):
    official = builders.material(name="官方材料", source=source(Source.Authority.OFFICIAL), is_published=True)
    bare = builders.material(name="无来源材料", replaces=official, is_published=True)
    assert any(f.subject == f"申请材料「无来源材料」({bare.key})" and "依据无来源" in f.reason for f in errors())


def test_a_better_or_equal_source_may_replace(content):
    article = builders.material(name="文章材料", source=source(Source.Authority.THIRD_PARTY), is_published=True)
    repost = builders.material(
        name="转载材料", source=source(Source.Authority.OFFICIAL_REPOST), replaces=article, is_published=True
    )
    original = builders.material(
        name="原文材料", source=source(Source.Authority.OFFICIAL_REPOST), replaces=repost, is_published=True
    )
    subjects = {f.subject for f in errors()}
    assert not {f"申请材料「{m.name}」({m.key})" for m in (article, repost, original)} & subjects


def test_a_draft_replacing_an_official_item_is_not_yet_an_error(content):
    official = builders.material(name="官方材料", source=source(Source.Authority.OFFICIAL), is_published=True)
    draft = builders.material(
        name="草稿材料", source=source(Source.Authority.THIRD_PARTY), replaces=official, is_published=False
    )
    assert not any(draft.key in f.subject for f in errors())


def test_a_published_item_on_a_source_marked_unverified_is_an_error(content):
    unverified = source(Source.Authority.OFFICIAL_REPOST, note="待核实：转引自公开网页")
    item = builders.material(name="待核实材料", source=unverified, is_published=True)
    found = [f for f in errors() if f.subject == f"申请材料「待核实材料」({item.key})"]
    assert found and "标注为待核实" in found[0].reason
    item.is_published = False
    item.save()
    assert not any(item.key in f.subject for f in errors())


def summary():
    out = StringIO()
    call_command("check_content", "--summary", stdout=out)
    return out.getvalue()


def figure(text, label):
    return int(re.search(re.escape(label) + r"(\d+)", text).group(1))


THIRD_PARTY_ONLY = "只有第三方资料作依据（或没有来源）的已发布内容："
PROVINCES = "有本省官方内容（官方原文或官方转载）的省份："


def test_summary_prints_the_figures_from_the_database(content):
    before = summary()
    expected = sum(
        model.objects.published()
        .filter(Q(source__isnull=True) | Q(source__authority=Source.Authority.THIRD_PARTY))
        .count()
        for model in GUIDE_ITEM_MODELS
    )
    assert figure(before, THIRD_PARTY_ONLY) == expected
    provinces = figure(before, PROVINCES)
    assert "四川" not in before.split(PROVINCES)[1]
    sichuan = Region.objects.get(slug="sichuan")
    builders.material(
        name="四川材料", source=source(Source.Authority.OFFICIAL_REPOST), regions=[sichuan], is_published=True
    )
    builders.material(name="又一条文章材料", source=source(Source.Authority.THIRD_PARTY), is_published=True)
    after = summary()
    assert figure(after, PROVINCES) == provinces + 1 and "四川" in after.split(PROVINCES)[1]
    assert figure(after, THIRD_PARTY_ONLY) == expected + 1
    assert (
        figure(after, "官方转载 ") == figure(before, "官方转载 ") + 1
        if "官方转载 " in before
        else "官方转载 1 条" in after
    )


def test_items_lists_each_pages_items_by_authority(content):
    def items_report():
        out = StringIO()
        call_command("check_content", "--items", stdout=out)
        return out.getvalue()

    def guangdong_line():
        return items_report().split("  专技职业资格证书遗失补办（广东）：")[1].split("\n  专技")[0]

    reposts_before = int(re.search(r"官方转载 (\d+) 条", guangdong_line()).group(1))
    guangdong = Region.objects.get(slug="guangdong")
    item = builders.material(
        name="广东转载材料", source=source(Source.Authority.OFFICIAL_REPOST), regions=[guangdong], is_published=True
    )
    page = guangdong_line()
    assert f"官方转载 {reposts_before + 1} 条" in page
    assert f"    官方转载：申请材料「广东转载材料」({item.key})" in page
    national = items_report().split("  专技职业资格证书遗失补办：")[1].split("\n  专技")[0]
    assert "广东转载材料" not in national


DIRECTORY = "已发布的证书目录条目 "


def test_summary_counts_every_published_directory_entry_by_authority(content):
    text = summary()
    published = DirectoryEntry.objects.filter(is_published=True)
    count = published.count()
    assert figure(text, DIRECTORY) == count
    line = text.split(DIRECTORY)[1].splitlines()[0]
    official = published.filter(source__authority=Source.Authority.OFFICIAL).count()
    assert f"官方原文 {official} 个" in line
    entry = published.filter(source__authority=Source.Authority.THIRD_PARTY).first()
    entry.is_published = False
    entry.save()
    assert figure(summary(), DIRECTORY) == count - 1


def test_an_item_shown_for_types_its_source_does_not_cover_is_a_warning(db):
    professional, title = builders.certificate_type(), builders.certificate_type()
    rule = source(Source.Authority.OFFICIAL_REPOST)
    rule.certificate_types.set([professional])
    everywhere = builders.material(name="到处显示", source=rule, is_published=True)
    builders.material(name="只给专技", source=rule, certificate_types=[professional], is_published=True)
    wider = builders.material(name="也给职称", source=rule, certificate_types=[professional, title], is_published=True)
    builders.material(name="来源不限", source=source(Source.Authority.OFFICIAL), is_published=True)

    warned = {f.subject: f.reason for f in check_content() if f.level == WARNING and "只管" in f.reason}
    assert set(warned) == {f"申请材料「{m.name}」({m.key})" for m in (everywhere, wider)}
    assert f"只管{professional.short_name}" in warned[f"申请材料「{everywhere.name}」({everywhere.key})"]
