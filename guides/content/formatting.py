"""How amounts and item labels read on the site (used by the Jinja templates and search)."""

import functools
from decimal import Decimal

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from guides.content.preview import admin_edit_link
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


def fee_amount(fee):
    if fee.regular_multiplier_max is not None:
        basis = f"{fee.basis}，" if fee.basis else ""
        return f"{basis}最多为常规费用的 {yuan(fee.regular_multiplier_max)} 倍"
    if fee.has_amount:
        return yuan_range(fee.min_amount, fee.max_amount)
    return fee.basis


def item_badges(item, guide=None):
    """An item's labels, and on a staff preview its "编辑" link to admin (guides/content/preview.py)."""
    labels = _item_labels(item, guide)
    edit = admin_edit_link(item, guide)
    if not edit:
        return labels
    return format_html("{} {}", labels, edit) if labels else edit


def _item_labels(item, guide=None):
    """Label drafts, reason-limited items ("仅遗失时需要") and items not yet in force ("自…起执行").

    A checker outcome for a later submission date shows the items in force on that
    date; one that starts after today says from when. On a page of `guide` whose
    items rest on sources of different authority, each item also says which, linked
    to its entry in 依据与来源 (where all items share one, the page says it once).
    """
    reasons = getattr(item, "only_for_reasons", [])
    starts = getattr(item, "effective_from", None)
    upcoming = starts is not None and starts > timezone.localdate()
    mark = source_mark(item) if guide is not None and guide.mixed_authorities else ""
    if item.is_published and not reasons and not upcoming:
        return mark  # most items: nothing else to label
    badges = []
    if not item.is_published:
        badges.append(("badge draft-badge", "草稿"))
    if reasons:
        names = "或".join(r.name for r in reasons)
        badges.append(("badge reason-badge", f"仅{names}时需要"))
    if upcoming:
        badges.append(("badge upcoming-badge", f"自{starts.year}年{starts.month}月{starts.day}日起执行"))
    labels = format_html_join(" ", '<span class="{}">{}</span>', badges)
    return format_html("{} {}", labels, mark) if mark else labels


NO_SOURCE_MARK = mark_safe('<span class="source-mark">无来源</span>')


def source_mark(item):
    """A quiet link from an item to its source: the source's authority level, or 无来源."""
    if not item.source_id:
        return NO_SOURCE_MARK
    return _mark(item.source.key, item.source.authority)


@functools.lru_cache(maxsize=256)
def _mark(key, authority):
    # The same few sources mark every item of a page: render each mark once per process.
    label = Source.Authority(authority).label
    return format_html('<a class="source-mark" href="#source-{}">{}</a>', key, label)


def as_yuan(amount):
    return yuan(Decimal(amount))


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


def review_line(guide):
    """The review line of a mixed page: each level's latest review date and what it was checked against."""
    parts = []
    for authority, reviewed in guide.reviews_by_authority:
        when = (
            format_html('<time datetime="{}">{}</time>', f"{reviewed:%Y-%m-%d}", f"{reviewed:%Y-%m-%d}")
            if reviewed
            else "（尚未审核）"
        )
        how = f"（{REVIEWED_AGAINST[authority]}）" if reviewed else ""
        parts.append(format_html("标“{}”的条目 {}{}", _level_name(authority), when, how))
    return format_html("最后审核于：{}", mark_safe("；".join(str(part) for part in parts)))


def _level_name(authority):
    return Source.Authority(authority).label if authority else "无来源"
