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
