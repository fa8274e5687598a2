"""Staff preview: drafts and "the site as of a date", for logged-in editors only.

This is the one place that decides whether a request is a preview. Anonymous
visitors always get the published site as of today (and may be served from a
cache); staff get drafts, may ask for another date with `?on=YYYY-MM-DD`, and
their responses are never cached anywhere.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.cache import add_never_cache_headers, patch_cache_control

from guides import clock
from guides.paths import admin_change_path

PREVIEW_DATE_PARAM = "on"


@dataclass(frozen=True)
class Preview:
    """What a request may see: drafts or not, and the date content is shown as of."""

    on: date
    include_drafts: bool = False
    is_staff: bool = False
    date_requested: bool = False
    invalid_date: str = ""

    @property
    def is_future(self):
        return self.on > clock.today()


def is_staff_request(request):
    """Return True for a logged-in, active staff user (they bypass every page cache)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def preview_for(request):
    """Return the `Preview` for `request`: published-today for the public, drafts and a chosen date for staff."""
    today = clock.today()
    if not is_staff_request(request):
        return Preview(on=today)
    raw = request.GET.get(PREVIEW_DATE_PARAM, "").strip()
    if not raw:
        return Preview(on=today, include_drafts=True, is_staff=True)
    try:
        on = date.fromisoformat(raw)
    except ValueError:
        return Preview(on=today, include_drafts=True, is_staff=True, invalid_date=raw[:20])
    return Preview(on=on, include_drafts=True, is_staff=True, date_requested=on != today)


def mark_private(request, response):
    """Keep a staff response out of every shared cache (it may show drafts)."""
    if is_staff_request(request):
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    return response


def admin_edit_url(item, guide):
    """On a staff preview (drafts shown), the admin page of an item, for its small "编辑" link; else ""."""
    request = getattr(guide, "request", None)
    if request is None or not request.include_drafts:
        return ""
    return admin_change_path(item)


def page_rows(guide):
    """Every row a guide page shows, for the staff preview bar: (section, row, where it applies, admin url)."""
    from guides.registry import GUIDE_SECTIONS

    rows = []
    for section in GUIDE_SECTIONS:
        for item in getattr(guide, section.attribute):
            where = "本省" if getattr(item, "region_limited", False) else "全国"
            rows.append((section.label, item, where, admin_change_path(item)))
    return rows
