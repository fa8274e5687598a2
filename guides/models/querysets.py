"""The queryset of guide items.

Which items a page shows (in effect on its date, applicable to its certificate type,
situations and region) is decided in Python, on every item read at once:
`guides.content.selectors.applies` is the one rule."""

from django.db import models


class GuideItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)
