"""The search index: every published national guide, cut into passages, cached per content version and day.

The index is built with `assemble_guide` — the same function that renders the
pages, so search never finds what a page does not show — and cached per content
version and day (a content edit, or a synonym edit, bumps the version).
"""

import math
from dataclasses import dataclass

from django.urls import reverse

from guides import clock
from guides.caching.versioned import versioned
from guides.content.catalogue import get_catalogue
from guides.content.formatting import yuan_range
from guides.content.guide_cache import cached_guide_items
from guides.content.selectors import GuideRequest, assemble_guide
from guides.models import SynonymGroup
from guides.registry import GUIDE_SECTIONS
from guides.search.query import match_concept
from guides.text import normalize

SECTION_LABELS = {section.slug: section.label for section in GUIDE_SECTIONS}


@dataclass(frozen=True)
class Passage:
    """One item of a guide as search sees it: where it is, its title and its text."""

    key: str
    section: str
    title: str
    text: str
    folded_title: str = ""
    folded_text: str = ""

    def __post_init__(self):
        object.__setattr__(self, "folded_title", normalize(self.title))
        object.__setattr__(self, "folded_text", normalize(self.text))

    @property
    def section_label(self):
        return SECTION_LABELS[self.section]


@dataclass(frozen=True)
class GuideDoc:
    url: str
    cert: str
    situation: str
    title: str
    heading: str
    summary: str
    passages: tuple
    for_reason: bool = False  # a 遗失/损毁 guide, what most readers come for


@dataclass(frozen=True)
class Index:
    guides: tuple
    synonyms: dict  # term → frozenset of the terms of its group(s)
    corpus: tuple = ()  # every distinct text once, to weigh rare words above common ones

    def weight(self, concept):
        """Return how telling a concept is: rare in the content weighs more (an IDF)."""
        found = sum(1 for text in self.corpus if match_concept(concept, text)[0])
        return math.log(1 + len(self.corpus) / (1 + found))


def get_index():
    """Return the search index of today's published national guides (cached per content version)."""
    today = clock.today()
    return versioned("search-index", today.isoformat(), build=lambda: build_index(today), keep_locally=False)


def build_index(on):
    """Assemble every published certificate × situation guide as of `on` and index its text."""
    catalogue = get_catalogue()
    items = cached_guide_items()
    guides = []
    for cert in catalogue.certificate_types:
        for situation in catalogue.situations:
            guide = assemble_guide(
                GuideRequest(certificate_type=cert, situations=frozenset([situation]), on=on),
                all_reasons=catalogue.reasons,
                items=items,
            )
            guides.append(
                GuideDoc(
                    url=reverse("guides:guide", args=[cert.slug, situation.slug]),
                    cert=cert.slug,
                    situation=situation.slug,
                    title=f"{cert.short_name}{situation.title}",
                    heading=normalize(" ".join([cert.name, cert.short_name, situation.name, situation.title])),
                    summary=" ".join(filter(None, [situation.summary, cert.summary])),
                    passages=tuple(_passages(guide)),
                    for_reason=situation.is_reason,
                )
            )
    corpus = {g.heading for g in guides} | {normalize(g.summary) for g in guides}
    corpus |= {f"{p.folded_title} {p.folded_text}" for g in guides for p in g.passages}
    return Index(guides=tuple(guides), synonyms=_synonym_map(), corpus=tuple(sorted(corpus)))


def _synonym_map():
    mapping = {}
    for group in SynonymGroup.objects.filter(is_active=True):
        terms = [normalize(t) for t in group.term_list()]
        for term in terms:
            mapping[term] = mapping.get(term, frozenset()) | frozenset(terms)
    return mapping


def _join(*parts):
    return "；".join(p.strip().rstrip("。；") for p in parts if p and p.strip())


def _reason_label(item):
    reasons = getattr(item, "only_for_reasons", [])
    return f"仅{'或'.join(r.name for r in reasons)}时需要" if reasons else ""


def _passages(guide):
    for item in guide.preconditions:
        yield Passage(
            f"precondition:{item.key}",
            "conditions",
            item.statement,
            _join(item.detail, f"如果不满足：{item.if_not_advice}", _reason_label(item)),
        )
    for item in guide.materials:
        yield Passage(
            f"material:{item.key}",
            "materials",
            item.name,
            _join(item.purpose, item.condition, item.form, item.obtain_from, item.notes, _reason_label(item)),
        )
    for item in guide.steps:
        channels = [_join(c.label, c.description, c.produces) for c in item.channels.all()]
        yield Passage(
            f"step:{item.key}",
            "steps",
            item.title,
            _join(item.description, *channels, item.produces, _reason_label(item)),
        )
    for item in guide.processing_times:
        days = (
            f"{item.max_days} 个工作日内"
            if item.min_days == item.max_days
            else f"一般 {item.min_days}–{item.max_days} 个工作日"
        )
        extra = [f"复杂情况最长 {item.complex_duration}" if item.complex_max_days else ""]
        extra.append(f"法定办结时限 {item.statutory_limit}" if item.statutory_limit else "")
        extra.append(f"加急一般不超过 {item.urgent_max_days} 个工作日" if item.urgent_max_days else "")
        yield Passage(f"time:{item.key}", "time", item.label, _join(days, *extra, item.note))
    for item in guide.fees:
        amount = yuan_range(item.min_amount, item.max_amount) if item.has_amount else ""
        yield Passage(f"fee:{item.key}", "fees", item.name, _join(amount, item.basis, item.note, _reason_label(item)))
    for item in guide.notices:
        yield Passage(f"notice:{item.key}", "notices", item.title, _join(item.body, _reason_label(item)))
    for item in guide.faqs:
        yield Passage(f"faq:{item.key}", "faqs", item.question, _join(item.answer, _reason_label(item)))
    for item in guide.offices:
        yield Passage(
            f"office:{item.key}",
            "offices",
            item.name,
            _join(item.handles, item.address, item.hours, item.phone, item.app, item.note, _reason_label(item)),
        )
