"""The reference tables every page needs (certificate types, situations, regions).

They are small and change rarely, so they are read once per content version and
kept in the cache; a content edit bumps the version and the next request reads
them again.
"""

from dataclasses import dataclass, field

from guides.caching.versioned import versioned
from guides.models import CertificateType, Region, Situation


@dataclass(frozen=True)
class Catalogue:
    certificate_types: tuple
    situations: tuple
    regions: tuple
    # What the features work out from these rows (the checker's questions): the catalogue is
    # read once per content version, so whatever is kept here goes with it.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def reasons(self):
        return [s for s in self.situations if s.is_reason]

    @property
    def circumstances(self):
        return [s for s in self.situations if not s.is_reason]

    def certificate_type(self, slug):
        return next((c for c in self.certificate_types if c.slug == slug), None)

    def situation(self, slug):
        return next((s for s in self.situations if s.slug == slug), None)

    def region(self, slug):
        return next((r for r in self.regions if r.slug == slug), None)

    def region_by_code(self, code):
        return next((r for r in self.regions if r.code == code), None)


def get_catalogue(include_drafts=False):
    """Return the published reference rows (or all of them, for staff previews)."""
    return versioned("catalogue", int(include_drafts), build=lambda: _load(include_drafts))


def _load(include_drafts):
    def rows(model, scoped=False):
        qs = model.objects.select_related("source")
        if scoped:
            # With the certificate types each source is limited to: a page lists a situation's or
            # a region's source only if it covers the page's type (Guide.sources).
            qs = qs.prefetch_related("source__certificate_types")
        return tuple(qs if include_drafts else qs.filter(is_published=True))

    return Catalogue(
        certificate_types=rows(CertificateType),
        situations=rows(Situation, scoped=True),
        regions=rows(Region, scoped=True),
    )
