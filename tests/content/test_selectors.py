from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guides.content.selectors import GuideItems, GuideRequest, assemble_guide
from guides.models import Situation, Source
from tests import builders
from tests.builders import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    class World:
        cert = builders.certificate_type()
        other_cert = builders.certificate_type()
        lost = builders.situation(slug="lost-t", name="遗失")
        damaged = builders.situation(slug="damaged-t", name="损毁")
        urgent = builders.situation(kind=Situation.Kind.CIRCUMSTANCE, slug="urgent-t", name="加急")
        cross = builders.situation(kind=Situation.Kind.CIRCUMSTANCE, slug="cross-t", name="异地")
        guangdong = builders.region(slug="gd-t", name="广东省")
        beijing = builders.region(slug="bj-t", name="北京市")

    return World


def names(items):
    return [item.name for item in items]


def guide_for(world, situations=(), region=None, on=TODAY, **kwargs):
    request = GuideRequest(
        certificate_type=world.cert, situations=frozenset(situations), region=region, on=on, **kwargs
    )
    return assemble_guide(request, all_reasons=[world.lost, world.damaged])


def test_unlimited_item_applies_everywhere(world):
    builders.material(name="身份证")
    assert names(guide_for(world, [world.lost]).materials) == ["身份证"]
    assert names(guide_for(world, [world.urgent], world.beijing).materials) == ["身份证"]


def test_certificate_type_limit(world):
    builders.material(name="仅本证", certificate_types=[world.cert])
    builders.material(name="仅他证", certificate_types=[world.other_cert])
    assert names(guide_for(world, [world.lost]).materials) == ["仅本证"]


def test_unpublished_items_hidden_unless_drafts_requested(world):
    builders.material(name="草稿", is_published=False)
    assert guide_for(world, [world.lost]).materials == []
    assert names(guide_for(world, [world.lost], include_drafts=True).materials) == ["草稿"]


def test_effective_dates(world):
    builders.material(name="已失效", effective_to=TODAY - timedelta(days=1))
    builders.material(name="未生效", effective_from=TODAY + timedelta(days=1))
    builders.material(name="今天生效", effective_from=TODAY, effective_to=TODAY)
    assert names(guide_for(world, [world.lost]).materials) == ["今天生效"]
    assert "未生效" in names(guide_for(world, [world.lost], on=TODAY + timedelta(days=1)).materials)


def test_order_is_kept(world):
    builders.material(name="第二", order=20)
    builders.material(name="第一", order=10)
    assert names(guide_for(world, [world.lost]).materials) == ["第一", "第二"]


def test_reason_limit_matches_only_that_reason(world):
    builders.material(name="遗失声明", situations=[world.lost])
    assert names(guide_for(world, [world.lost]).materials) == ["遗失声明"]
    assert guide_for(world, [world.damaged]).materials == []


def test_reason_limited_item_is_labelled_when_no_reason_is_chosen(world):
    builders.material(name="遗失声明", situations=[world.lost])
    guide = guide_for(world, [world.urgent])
    assert names(guide.materials) == ["遗失声明"]
    assert guide.materials[0].only_for_reasons == [world.lost]
    assert guide_for(world, [world.lost]).materials[0].only_for_reasons == []


def test_circumstance_limit_needs_the_circumstance(world):
    builders.material(name="情况说明", situations=[world.urgent])
    assert guide_for(world, [world.lost]).materials == []
    assert names(guide_for(world, [world.lost, world.urgent]).materials) == ["情况说明"]


def test_item_with_two_limits_needs_both(world):
    builders.material(name="遗失且加急", situations=[world.lost, world.urgent])
    assert guide_for(world, [world.lost]).materials == []
    assert guide_for(world, [world.damaged, world.urgent]).materials == []
    assert names(guide_for(world, [world.lost, world.urgent]).materials) == ["遗失且加急"]


def test_certificate_and_region_limits_both_must_match(world):
    builders.material(name="本证在广东", certificate_types=[world.cert], regions=[world.guangdong])
    assert guide_for(world, [world.lost], world.beijing).materials == []
    assert guide_for(world, [world.lost]).materials == []
    assert names(guide_for(world, [world.lost], world.guangdong).materials) == ["本证在广东"]
    other = GuideRequest(
        certificate_type=world.other_cert, situations=frozenset([world.lost]), region=world.guangdong, on=TODAY
    )
    assert assemble_guide(other).materials == []


def test_regional_item_replaces_the_national_one_only_in_its_region(world):
    national = builders.fee(name="工本费", min_amount=20, max_amount=50)
    builders.fee(name="工本费（广东）", min_amount=30, max_amount=30, regions=[world.guangdong], replaces=national)
    assert names(guide_for(world, [world.lost], world.guangdong).fees) == ["工本费（广东）"]
    assert names(guide_for(world, [world.lost], world.beijing).fees) == ["工本费"]
    assert names(guide_for(world, [world.lost]).fees) == ["工本费"]


def test_replacement_that_does_not_apply_keeps_the_original(world):
    national = builders.material(name="登报声明")
    builders.material(name="承诺书", replaces=national, is_published=False, regions=[world.guangdong])
    assert names(guide_for(world, [world.lost], world.guangdong).materials) == ["登报声明"]
    assert names(guide_for(world, [world.lost], world.guangdong, include_drafts=True).materials) == ["承诺书"]


def test_query_count_does_not_grow_with_items(world):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            guide = guide_for(world, [world.urgent], world.guangdong)
            for item in guide.steps:
                list(item.channels.all())
            [item.source for item in guide.items()]
        return len(ctx), len(guide.items())

    builders.material()
    builders.step()
    few_queries, few_items = count_queries()
    for n in range(100):
        builders.material(situations=[world.lost] if n % 2 else [], regions=[world.guangdong] if n % 3 else [])
        builders.step().channels.create(kind="online", label="线上", description="…")
    many_queries, many_items = count_queries()
    assert many_items > few_items + 100
    assert many_queries == few_queries


def test_one_read_of_the_items_serves_every_guide_without_a_query(world):
    """`check_content` and the search index assemble every page: the items are read once (ten queries at most)."""
    builders.material(name="身份证")
    builders.material(name="仅广东", regions=[world.guangdong], situations=[world.lost, world.urgent])
    builders.step().channels.create(kind="online", label="线上", description="…")
    with CaptureQueriesContext(connection) as read:
        items = GuideItems.load()
    assert len(read) <= 10
    with CaptureQueriesContext(connection) as cut:
        guides = [
            assemble_guide(
                GuideRequest(certificate_type=world.cert, situations=frozenset(situations), region=region, on=TODAY),
                all_reasons=[world.lost, world.damaged],
                items=items,
            )
            for situations in ([world.lost], [world.lost, world.urgent], [world.damaged, world.urgent])
            for region in (None, world.guangdong, world.beijing)
        ]
        for guide in guides:
            for step in guide.steps:
                list(step.channels.all())
    assert len(cut) == 0
    # The same rule as a guide assembled on its own.
    lost_urgent_guangdong = guides[4]
    assert names(lost_urgent_guangdong.materials) == ["仅广东", "身份证"]
    assert names(lost_urgent_guangdong.materials) == names(
        guide_for(world, [world.lost, world.urgent], world.guangdong).materials
    )


def test_what_one_page_says_of_a_shared_item_stays_on_that_page(world):
    """The items are shared by every guide cut from them; each guide labels its own copies."""
    builders.material(name="遗失声明", situations=[world.lost], regions=[world.guangdong])
    items = GuideItems.load()

    def guide(situations, region):
        request = GuideRequest(certificate_type=world.cert, situations=frozenset(situations), region=region, on=TODAY)
        return assemble_guide(request, all_reasons=[world.lost, world.damaged], items=items)

    unlabelled = guide([world.urgent], world.guangdong)  # no reason chosen: the item says 仅遗失时需要
    chosen = guide([world.lost], world.guangdong)
    (labelled,) = unlabelled.materials
    (plain,) = chosen.materials
    assert labelled is not plain
    assert [r.name for r in labelled.only_for_reasons] == ["遗失"] and plain.only_for_reasons == []
    assert labelled.region_limited and plain.region_limited
    assert not hasattr(items.rows[type(labelled)][0], "only_for_reasons")


def test_a_situations_source_is_listed_only_on_pages_of_the_types_it_covers(world):
    rule = Source.objects.create(key="rule-for-one-type", title="只管本证的规程", kind=Source.Kind.POLICY)
    rule.certificate_types.set([world.cert])
    general = Source.objects.create(key="rule-for-all", title="不限证书类型的文件", kind=Source.Kind.POLICY)
    world.lost.source = rule
    world.lost.save()
    world.damaged.source = general
    world.damaged.save()
    builders.material(name="身份证")

    def listed(cert, situation):
        request = GuideRequest(certificate_type=cert, situations=frozenset([situation]), on=TODAY)
        return [source.key for source in assemble_guide(request, all_reasons=[world.lost, world.damaged]).sources]

    assert listed(world.cert, world.lost) == ["rule-for-one-type"]
    assert listed(world.other_cert, world.lost) == []
    assert listed(world.other_cert, world.damaged) == ["rule-for-all"]
