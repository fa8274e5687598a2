"""How old a review may be before content counts as stale (admin filter, check_content)."""

from datetime import timedelta

from django.utils import timezone

STALE_AFTER_DAYS = 180


def stale_cutoff():
    """Return the date before which a review is too old to trust."""
    return timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)
