"""Writing reader feedback: a yes/no answer, a problem report, and a report's status."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from guides.caching.version import get_content_version
from guides.models import PageFeedback, ProblemReport


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
