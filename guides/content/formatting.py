"""How amounts and item labels read on the site (used by the Jinja templates and search)."""

import functools
from dataclasses import dataclass, fields
from functools import cached_property

from guides import clock
from guides.caching.fragments import Keyed, key_of
from guides.content.preview import admin_edit_url
from guides.models import Source


def yuan(amount):
    """Format a Decimal amount in 元 without needless decimals (20.00 → 20)."""
    if amount == amount.to_integral_value():
        return f"{amount:.0f}"
    return f"{amount.normalize():f}"


def yuan_range(low, high):
    if low is None and high is None:
        return ""
    if low == high or low is None or high is None:
        return f"{yuan(low if low is not None else high)} 元"
    return f"{yuan(low)}–{yuan(high)} 元"


def fee_amount(line):
    """What a fee line of an estimate costs in 元, or how it is charged when it has no price (到付, 另计)."""
    if line.priced:
        return yuan_range(line.min_amount, line.max_amount)
    return fee_basis(line.fee)


def fee_basis(fee):
    return fee.basis or "另计"


def fee_note(fee):
    """A fee's remarks: a multiplier fee's ceiling, the editor's note, and 仅邮寄时产生 for a mail-only fee."""
    parts = []
    if fee.regular_multiplier_max is not None:
        parts.append(f"最多为常规费用的 {yuan(fee.regular_multiplier_max)} 倍")
    if fee.note:
        parts.append(fee.note)
    if fee.only_when_mailing:
        parts.append("仅邮寄时产生")
    return "；".join(parts)


def item_labels(item, guide=None):
    """Return what follows an item's title as (badges, source mark, admin URL), or None when nothing does.

    Badges are (CSS class, text) pairs: a draft, a reason-limited item ("仅遗失时需要"),
    an item not yet in force ("自…起执行": a checker outcome for a later submission date
    shows the items in force on that date). On a page of `guide` whose items rest on
    sources of different authority, each item has its source mark; on a staff preview,
    the admin page for its "编辑" link. The `badges` macro (templates/guides/includes/labels.html)
    writes them.
    """
    reasons = getattr(item, "only_for_reasons", [])
    starts = getattr(item, "effective_from", None)
    upcoming = starts is not None and starts > clock.today()
    mark = source_mark_of(item) if guide is not None and guide.mixed_authorities else None
    edit_url = admin_edit_url(item, guide)
    if item.is_published and not reasons and not upcoming and not mark and not edit_url:
        return None  # most items: nothing to label
    badges = []
    if not item.is_published:
        badges.append(("badge draft-badge", "草稿"))
    if reasons:
        names = "或".join(r.name for r in reasons)
        badges.append(("badge reason-badge", f"仅{names}时需要"))
    if upcoming:
        badges.append(("badge upcoming-badge", f"自{starts.year}年{starts.month}月{starts.day}日起执行"))
    return tuple(badges), mark, edit_url


def labelled(guide, section):
    """Return the guide's `section` ("materials", "warnings", …) with labels: ((item, item_labels(item, guide)), …).

    The item macros take the labels, not the guide, so their HTML depends on their
    arguments alone and a section renders once for every page showing it
    (guides/caching/fragments.py). The rows, and their cache key, are worked out once
    per guide and day (the labels say 自…起执行 until the day comes).
    """
    return guide.per_day(section, lambda: Keyed((item, item_labels(item, guide)) for item in getattr(guide, section)))


def labelled_steps(guide, channels=None):
    """Return the guide's steps as ((step, labels, channels to show), …); `channels` maps a step's pk to a subset."""
    if channels is None:
        return guide.per_day(
            "steps with channels",
            lambda: Keyed((step, labels, tuple(step.channels.all())) for step, labels in labelled(guide, "steps")),
        )
    return Keyed((step, labels, tuple(channels[step.pk])) for step, labels in labelled(guide, "steps"))


def source_mark_of(item):
    """Return (source key, authority label) for an item's quiet link to its source, or ("", "无来源")."""
    if not item.source_id:
        return ("", "无来源")
    return _mark(item.source.key, item.source.authority)


@functools.lru_cache(maxsize=256)
def _mark(key, authority):
    # The same few sources mark every item of a page: look each label up once per process.
    return (key, Source.Authority(authority).label)


# What each source mark on a page mixing sources means, and what its items were reviewed
# against: a 官方转载 item is an official text read in a repost, not the issuer's page.
MARK_MEANINGS = {
    Source.Authority.OFFICIAL: "摘自发证机关或主管部门自己的网站",
    Source.Authority.OFFICIAL_REPOST: "是发证机关或主管部门的文本，但本站读到的是其他网站的转载，还没有找到发布机关自己的网页",
    None: "没有注明来源",
}
REVIEWED_AGAINST = {
    Source.Authority.OFFICIAL: "对照原文核对",
    Source.Authority.OFFICIAL_REPOST: "对照转载的官方文本核对，未见原网页",
    Source.Authority.THIRD_PARTY: "对照上列第三方资料，未对照官方原文",
    None: "没有来源可对照",
}


def source_legend(guide):
    """Say what each mark on this mixed page means, one clause per authority level the page has.

    The third-party clause names the articles; it is returned as (authority, text) pairs
    so the template can add the sources' titles to the third-party one.
    """
    return [
        (authority, f"标“{_level_name(authority)}”的，{MARK_MEANINGS[authority]}" if authority in MARK_MEANINGS else "")
        for authority, _ in guide.reviews_by_authority
    ]


def review_dates(guide):
    """Return each source level of a mixed page as (level name, latest review date or None, what it was checked against)."""
    return [
        (_level_name(authority), reviewed, REVIEWED_AGAINST[authority] if reviewed else "")
        for authority, reviewed in guide.reviews_by_authority
    ]


def _level_name(authority):
    return Source.Authority(authority).label if authority else "无来源"


@dataclass(frozen=True)
class Provenance:
    """What a page says of where its content comes from: the notice at its top and 依据与来源 at its end."""

    sources: tuple
    third_party_only: bool
    third_party_sources: tuple
    mixed_authorities: bool
    legend: tuple  # source_legend(), on a page mixing sources
    last_reviewed: object  # a date, or None
    review_dates: tuple  # review_dates(), on a page mixing sources

    @cached_property
    def fragment_key(self):
        return key_of(tuple(getattr(self, f.name) for f in fields(self)))


def provenance(guide):
    """Return the `Provenance` of `guide`'s page (worked out once per guide)."""
    return guide.per_day("provenance", lambda: _provenance(guide))


def _provenance(guide):
    mixed = guide.mixed_authorities
    return Provenance(
        sources=tuple(guide.sources),
        third_party_only=guide.third_party_only,
        third_party_sources=tuple(guide.third_party_sources),
        mixed_authorities=mixed,
        legend=tuple(source_legend(guide)) if mixed else (),
        last_reviewed=guide.last_reviewed,
        review_dates=tuple(review_dates(guide)) if mixed else (),
    )
