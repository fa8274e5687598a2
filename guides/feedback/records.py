"""Reader feedback: "这个页面有帮助吗？", "页面有误？" reports, the flood guard and triage.

Guide pages are cached whole for everyone, so they carry no form with a CSRF
token: their yes/no buttons are a plain GET form that leads to the small feedback
page, which carries the CSRF-protected POST form. The rate limit counts in the
shared cache (Redis in production), so it holds across worker processes and hosts.
"""

import hashlib
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from guides.caching import counters
from guides.caching.version import get_content_version
from guides.content.catalogue import get_catalogue
from guides.content.selectors import GuideRequest, assemble_guide
from guides.models import PageFeedback, ProblemReport
from guides.registry import GUIDE_SECTIONS
from guides.web.security import client_address

MAX_URL_CHARS = 500
# Pages a reader can give feedback on are the site's own pages, not these.
NOT_FEEDBACK_PAGES = {"search", "feedback", "feedback_thanks"}
GUIDE_PAGES = {"guide", "guide_region"}


def rate_limit():
    """Return (submissions allowed, per seconds) — settings.FEEDBACK_RATE_LIMIT or 10 an hour."""
    return getattr(settings, "FEEDBACK_RATE_LIMIT", (10, 60 * 60))


def review_threshold():
    """Return (share of "没有帮助" in percent, minimum answers) past which a page is flagged."""
    return getattr(settings, "FEEDBACK_REVIEW_THRESHOLD", (40, 5))


@dataclass(frozen=True)
class PageRef:
    """A page of this site that feedback is about."""

    url: str
    title: str
    url_name: str
    kwargs: dict

    @property
    def is_guide(self):
        return self.url_name in GUIDE_PAGES


def page_for(url):
    """Return the `PageRef` for a site-relative URL, or None if it is not a page of this site.

    Guide pages are identified by their path alone; other pages (the checker's
    outcome keeps its answers in the query string) keep their query.
    """
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//") or len(url) > MAX_URL_CHARS:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.namespace != "guides" or match.url_name in NOT_FEEDBACK_PAGES:
        return None
    title = _title(match.url_name, match.kwargs)
    if title is None:
        return None
    keep_query = parts.query and match.url_name not in GUIDE_PAGES | {"home", "certificate"}
    return PageRef(
        url=parts.path + (f"?{parts.query}" if keep_query else ""),
        title=title,
        url_name=match.url_name,
        kwargs=dict(match.kwargs),
    )


def _title(url_name, kwargs):
    catalogue = get_catalogue()
    if url_name == "home":
        return "首页"
    cert = catalogue.certificate_type(kwargs["cert"]) if "cert" in kwargs else None
    if url_name == "certificate":
        return cert.name if cert else None
    if url_name in GUIDE_PAGES:
        situation = catalogue.situation(kwargs["situation"])
        region = catalogue.region(kwargs["region"]) if "region" in kwargs else None
        if cert is None or situation is None or ("region" in kwargs and region is None):
            return None
        return f"{cert.short_name}{situation.title}" + (f"（{region.name}）" if region else "")
    return "自助核对结果" if url_name.startswith("check") else url_name


# ── The flood guard ────────────────────────────────────────────────────────


def client_id(request):
    """Return a hashed client address: enough to count submissions, not to identify anyone."""
    address = client_address(request) or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]


def over_rate_limit(request):
    """Count one submission from this client; return seconds to wait if it is over the limit, else 0.

    A fixed window, counted atomically in the shared cache (guides/caching/counters.py),
    so every worker process sees the same count; while the shared cache is
    unavailable, each process counts on its own.
    """
    allowed, per = rate_limit()
    window = int(time.time() // per)
    count = counters.count("feedback-rate", client_id(request), window)
    if count <= allowed:
        return 0
    return max(1, (window + 1) * per - int(time.time()))


# ── Recording ──────────────────────────────────────────────────────────────


def record(page, helpful=None, problem="", contact=""):
    """Store a yes/no answer and/or a problem report for `page`; return the report (or None)."""
    with transaction.atomic():
        feedback, _ = PageFeedback.objects.get_or_create(url=page.url, defaults={"title": page.title})
        changes = {"title": page.title, "last_at": timezone.now()}
        if helpful is True:
            changes["yes_count"] = F("yes_count") + 1
        elif helpful is False:
            changes["no_count"] = F("no_count") + 1
        PageFeedback.objects.filter(pk=feedback.pk).update(**changes)
        if not problem:
            return None
        return ProblemReport.objects.create(
            page=feedback, message=problem, contact=contact, content_version=get_content_version()
        )


def stamp_status(report, status, user):
    """Set `status` on a report (unsaved), noting who closed it and when."""
    done = status in {ProblemReport.Status.HANDLED, ProblemReport.Status.WONTFIX}
    report.status = status
    report.handled_at = timezone.now() if done else None
    report.handled_by = user if done else None


def set_status(reports, status, user):
    """Move reports to `status` and save them; return how many changed."""
    changed = 0
    for report in reports:
        if report.status == status:
            continue
        stamp_status(report, status, user)
        report.save(update_fields=["status", "handled_at", "handled_by"])
        changed += 1
    return changed


# ── Triage ─────────────────────────────────────────────────────────────────


def flagged_pages():
    """Return the pages whose "没有帮助" share passes the review threshold (most unhelpful first)."""
    percent, minimum = review_threshold()
    return (
        PageFeedback.objects.annotate(answers=F("yes_count") + F("no_count"))
        .filter(answers__gte=minimum, no_count__gte=F("answers") * percent / 100.0)
        .order_by("-no_count")
    )


def needs_review(feedback):
    percent, minimum = review_threshold()
    return feedback.total >= minimum and feedback.no_count * 100 >= feedback.total * percent


def objects_shown(feedback):
    """Return [(section, [object, …]), …]: the content rows the reported page shows today.

    An editor checking "the fee is wrong" jumps from here straight to the fee row.
    """
    page = page_for(feedback.url)
    if page is None or not page.is_guide:
        return []
    catalogue = get_catalogue()
    cert = catalogue.certificate_type(page.kwargs["cert"])
    situation = catalogue.situation(page.kwargs["situation"])
    region = catalogue.region(page.kwargs["region"]) if "region" in page.kwargs else None
    guide = assemble_guide(
        GuideRequest(certificate_type=cert, situations=frozenset([situation]), region=region, on=timezone.localdate()),
        all_reasons=catalogue.reasons,
    )
    sections = [
        ("证书类型与情形", [cert, situation, *([region] if region else [])]),
        *((section.label, getattr(guide, section.attribute)) for section in GUIDE_SECTIONS),
    ]
    return [(label, items) for label, items in sections if items]


def items_on_flagged_pages(model):
    """Return the pks of `model` rows shown on pages flagged by readers (for the stale-content view)."""
    pks = set()
    for page in flagged_pages():
        for _label, items in objects_shown(page):
            pks.update(item.pk for item in items if isinstance(item, model))
    return pks


def admin_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
