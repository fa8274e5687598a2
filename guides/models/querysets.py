"""The query rules of guide items: published, in effect on a date, and applicable to a request.

One rule decides whether an item shows for a certificate type, a set of situations
and a region: every non-empty limit must match. Pages, the checker, search and
feedback all read items through it (guides/content/selectors.py)."""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from guides.models.reference import Situation


class GuideItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_effect(self, on):
        """Return items in effect on the date `on` (open-ended dates are always in effect)."""
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=on),
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        )

    def applicable_to(self, certificate_type, situations, region):
        """Return items whose every non-empty limit matches the request.

        Reason limits (遗失, 损毁) and circumstance limits (异地, 加急) are matched
        separately: an item limited to 遗失 and 加急 applies only when both hold.
        When the request names no reason, reason-limited items stay in (the page
        labels them); when it names no region, region-limited items drop out.
        """
        model = self.model
        cert_through = model.certificate_types.through
        situation_through = model.situations.through
        region_through = model.regions.through
        item_field = f"{model._meta.model_name}_id"

        def limits(through, **filters):
            return Exists(through.objects.filter(**{item_field: OuterRef("pk")}, **filters))

        reasons = [s for s in situations if s.is_reason]
        circumstances = [s for s in situations if not s.is_reason]
        qs = self.filter(
            ~limits(cert_through) | limits(cert_through, certificatetype=certificate_type),
            ~limits(situation_through, situation__kind=Situation.Kind.CIRCUMSTANCE)
            | limits(situation_through, situation__in=circumstances),
        )
        if reasons:
            qs = qs.filter(
                ~limits(situation_through, situation__kind=Situation.Kind.REASON)
                | limits(situation_through, situation__in=reasons)
            )
        if region is None:
            qs = qs.filter(~limits(region_through))
        else:
            qs = qs.filter(~limits(region_through) | limits(region_through, region=region))
        return qs

    def with_region_flag(self):
        """Annotate `region_limited`: whether the item is limited to regions (it is one of a province's own)."""
        through = self.model.regions.through
        item_field = f"{self.model._meta.model_name}_id"
        return self.annotate(region_limited=Exists(through.objects.filter(**{item_field: OuterRef("pk")})))

    def with_reason_limits(self, reasons):
        """Annotate `limited_to_<pk>` for each reason, so a page can say "仅遗失时需要"."""
        through = self.model.situations.through
        item_field = f"{self.model._meta.model_name}_id"
        return self.annotate(
            **{
                f"limited_to_{reason.pk}": Exists(
                    through.objects.filter(**{item_field: OuterRef("pk")}, situation=reason)
                )
                for reason in reasons
            }
        )
