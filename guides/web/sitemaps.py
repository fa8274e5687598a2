"""sitemap.xml: the start page, every certificate overview and every guide page, with lastmod."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from guides import clock
from guides.caching.versioned import versioned
from guides.content.catalogue import get_catalogue
from guides.content.guide_cache import cached_guide
from guides.content.selectors import GuideRequest, regions_with_items
from guides.directory.lookup import get_directory
from guides.registry import GUIDE_ITEM_MODELS


def latest_item_change():
    """Return when any published guide item last changed (one query per item kind, cached per version)."""

    def build():
        stamps = [m.objects.filter(is_published=True).aggregate(at=Max("updated_at"))["at"] for m in GUIDE_ITEM_MODELS]
        return max((s for s in stamps if s), default=None)

    return versioned("latest-item-change", build=build, keep_locally=False)


def _latest(*stamps):
    return max((s for s in stamps if s), default=None)


def has_own_items(cert, situation, region, limited, catalogue):
    """Tell whether the province page shows items of the province's own (else it defers to the national page).

    `limited`: the pks of the regions some published item is limited to; the others need no guide.
    """
    if region.pk not in limited:
        return False
    request = GuideRequest(certificate_type=cert, situations=frozenset([situation]), region=region, on=clock.today())
    return cached_guide(request, all_reasons=catalogue.reasons).has_own_region_items


class GuideSitemap(Sitemap):
    """Every public page a citizen can land on from a search engine.

    A page's lastmod is the latest change to its certificate type, situation or
    region, or to any guide item: items carry their limits as many-to-many rows,
    so working out which items reach which of the 400-odd pages would cost a
    guide assembly per page; a slightly early lastmod costs only a recrawl.
    """

    changefreq = "weekly"

    def items(self):
        """Every page but the province pages that only repeat the national text (their canonical is national)."""
        catalogue = get_catalogue()
        items_changed = latest_item_change()
        limited = regions_with_items()
        pages = [(reverse("guides:home"), _latest(items_changed, *(c.updated_at for c in catalogue.certificate_types)))]
        entries = get_directory().entries
        pages.append((reverse("guides:directory"), _latest(*(e.updated_at for e in entries))))
        pages += [(entry.get_absolute_url(), entry.updated_at) for entry in entries]
        for cert in catalogue.certificate_types:
            pages.append((cert.get_absolute_url(), _latest(cert.updated_at, items_changed)))
            for situation in catalogue.situations:
                changed = _latest(cert.updated_at, situation.updated_at, items_changed)
                pages.append((reverse("guides:guide", args=[cert.slug, situation.slug]), changed))
                for region in catalogue.regions:
                    if not has_own_items(cert, situation, region, limited, catalogue):
                        continue
                    pages.append(
                        (
                            reverse("guides:guide_region", args=[cert.slug, situation.slug, region.slug]),
                            _latest(changed, region.updated_at),
                        )
                    )
        return pages

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]


SITEMAPS = {"guides": GuideSitemap}
