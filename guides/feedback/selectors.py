"""Reading reader feedback: which pages readers found unhelpful, and what a reported page shows."""

from django.conf import settings
from django.db.models import F

from guides import clock
from guides.content.catalogue import get_catalogue
from guides.content.selectors import GuideRequest, assemble_guide
from guides.feedback.pages import page_for
from guides.models import PageFeedback
from guides.registry import GUIDE_SECTIONS


def review_threshold():
    """Return (share of "没有帮助" in percent, minimum answers) past which a page is flagged."""
    return getattr(settings, "FEEDBACK_REVIEW_THRESHOLD", (40, 5))


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
        GuideRequest(certificate_type=cert, situations=frozenset([situation]), region=region, on=clock.today()),
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
