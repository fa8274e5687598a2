"""Search the published guides in the words a citizen would use.

The content is small (a dozen national guides of a few dozen items each), so the
search runs in Python over an index of the assembled guides rather than in the
database: it behaves the same on SQLite and PostgreSQL and needs no extension.
The index is built with `assemble_guide` — the same function that renders the
pages, so search never finds what a page does not show — and cached per content
version and day (a content edit, or a synonym edit, bumps the version).

Chinese has no spaces, so a query is cut into *concepts*: editor-maintained
synonym groups found in the query (丢了 → 丢了/丢失/遗失 …), Latin words and
numbers, and the remaining runs of Chinese characters (a run no page contains
whole still earns partial credit for its two-character pieces). A guide scores
the best weighted match of each concept — its title weighs most, then its
summary, then item titles, then item text — weighted by how rare the concept is
in the content (an IDF: 证书 is everywhere, 异地 is telling), times the share of concepts it
matched, so a guide that answers every part of the question comes first.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from guides.caching.version import get_content_version
from guides.content.catalogue import get_catalogue
from guides.content.formatting import yuan_range
from guides.content.selectors import GuideRequest, assemble_guide
from guides.models import PageFeedback, SynonymGroup

# Part of the cache key: bump it when the shape of the index changes, so a deploy
# never unpickles an index an older release put in the shared cache.
INDEX_FORMAT = 2
MAX_QUERY_CHARS = 100
MAX_RESULTS = 10
PASSAGES_PER_RESULT = 3

WEIGHT_TITLE = 10
WEIGHT_SUMMARY = 4
WEIGHT_ITEM_TITLE = 3
WEIGHT_ITEM_TEXT = 1

# Words that carry no meaning for finding a guide: question words and particles.
STOP_WORDS = sorted(
    "怎么办 怎么样 怎么 怎样 如何 什么 哪里 哪儿 哪个 哪些 为什么 可以 能不能 能否 需要 要不要 请问 我的 我们 "  # noqa: SIM905
    "自己 一下 一个 还是 或者 是否 是不是 有没有 了吗 的话 以后 之后 应该".split(),
    key=len,
    reverse=True,
)
STOP_CHARS = set("的了吗呢吧啊呀哦么我你他她它在是有和与及或把被给从到对就也都还又再很要想能会去来个")

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CHUNK_RE = re.compile(rf"[{CJK}]+|[a-z0-9]+")

SECTIONS = {
    "conditions": "能否补办",
    "materials": "申请材料",
    "steps": "办理步骤",
    "time": "办理时限",
    "fees": "费用",
    "notices": "注意事项",
    "faqs": "常见问题",
}


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
        return SECTIONS[self.section]


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
        found = sum(1 for text in self.corpus if _match(concept, text)[0])
        return math.log(1 + len(self.corpus) / (1 + found))


@dataclass(frozen=True)
class Concept:
    """One part of the query: any of `terms` matches fully; `pieces` give partial credit."""

    label: str
    terms: frozenset
    pieces: frozenset = frozenset()


@dataclass
class Hit:
    passage: Passage
    score: float
    terms: frozenset

    @property
    def url_anchor(self):
        return f"#{self.passage.section}"

    @property
    def title_html(self):
        return highlight(self.passage.title, self.terms, window=None)

    @property
    def snippet_html(self):
        return highlight(self.passage.text, self.terms)


@dataclass
class Result:
    guide: GuideDoc
    score: float
    title_terms: frozenset
    hits: list
    also_in: list = field(default_factory=list)
    region: object = None  # a province named in the query: link to the guide as it applies there

    @property
    def url(self):
        if self.region is None:
            return self.guide.url
        return reverse("guides:guide_region", args=[self.guide.cert, self.guide.situation, self.region.slug])

    @property
    def title(self):
        return self.guide.title + (f"（{self.region.name}）" if self.region else "")

    @property
    def title_html(self):
        return highlight(self.title, self.title_terms, window=None)

    @property
    def summary_html(self):
        return highlight(self.guide.summary, self.title_terms)


@dataclass
class Outcome:
    """What the search page shows for one query, including why a query was not run."""

    raw: str
    query: str = ""
    region: object = None
    concepts: list = field(default_factory=list)
    results: list = field(default_factory=list)
    truncated: bool = False
    problem: str = ""  # "empty" or "no-words": the query held nothing to search for

    @property
    def searched(self):
        return bool(self.concepts)


# ── Index ──────────────────────────────────────────────────────────────────


def get_index():
    """Return the search index of today's published national guides (cached per content version)."""
    today = timezone.localdate()
    key = f"search-index:{INDEX_FORMAT}:{get_content_version()}:{today.isoformat()}"
    index = cache.get(key)
    if index is None:
        index = build_index(today)
        cache.set(key, index, timeout=60 * 60 * 24)
    return index


def build_index(on):
    """Assemble every published certificate × situation guide as of `on` and index its text."""
    catalogue = get_catalogue()
    guides = []
    for cert in catalogue.certificate_types:
        for situation in catalogue.situations:
            guide = assemble_guide(
                GuideRequest(certificate_type=cert, situations=frozenset([situation]), on=on),
                all_reasons=catalogue.reasons,
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
        days = f"一般 {item.min_days}–{item.max_days} 个工作日"
        extra = [f"复杂情况最长 {item.complex_max_days} 天" if item.complex_max_days else ""]
        extra.append(f"加急一般不超过 {item.urgent_max_days} 个工作日" if item.urgent_max_days else "")
        yield Passage(f"time:{item.key}", "time", item.label, _join(days, *extra, item.note))
    for item in guide.fees:
        amount = yuan_range(item.min_amount, item.max_amount) if item.has_amount else ""
        yield Passage(f"fee:{item.key}", "fees", item.name, _join(amount, item.basis, item.note, _reason_label(item)))
    for item in guide.notices:
        yield Passage(f"notice:{item.key}", "notices", item.title, _join(item.body, _reason_label(item)))
    for item in guide.faqs:
        yield Passage(f"faq:{item.key}", "faqs", item.question, _join(item.answer, _reason_label(item)))


# ── Query ──────────────────────────────────────────────────────────────────


def normalize(text):
    """Return `text` folded for matching: full-width to half-width, lower case, no control characters."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in " \n")


def parse_query(text, synonyms):
    """Cut a normalised query into concepts (see the module docstring)."""
    concepts = []
    seen = set()

    def add(concept):
        if concept.terms not in seen:
            seen.add(concept.terms)
            concepts.append(concept)

    longest = max((len(t) for t in synonyms), default=0)
    for chunk in CHUNK_RE.findall(text):
        if chunk[0].isascii():
            add(Concept(chunk, synonyms.get(chunk, frozenset([chunk]))))
            continue
        residue = ""
        i = 0
        while i < len(chunk):
            term = next(
                (chunk[i : i + n] for n in range(min(longest, len(chunk) - i), 0, -1) if chunk[i : i + n] in synonyms),
                None,
            )
            if term is None:
                residue += chunk[i]
                i += 1
                continue
            for concept in _residue_concepts(residue):
                add(concept)
            residue = ""
            add(Concept(term, synonyms[term]))
            i += len(term)
        for concept in _residue_concepts(residue, alone=residue == chunk):
            add(concept)
    return concepts


def _residue_concepts(run, alone=False):
    """Turn a run of Chinese characters that matched no synonym into concepts, minus stop words.

    A single character left over beside other words (the 书 of 职称证|书) means
    nothing on its own; it is kept only when it is all the reader typed (费).
    """
    for word in STOP_WORDS:
        run = run.replace(word, " ")
    for segment in run.split():
        segment = segment.strip("".join(STOP_CHARS))
        if not segment or (len(segment) == 1 and (segment in STOP_CHARS or not alone)):
            continue
        pieces = frozenset(segment[i : i + 2] for i in range(len(segment) - 1)) if len(segment) > 2 else frozenset()
        yield Concept(segment, frozenset([segment]), pieces)


def _match(concept, text):
    """Return (quality 0–1, matched terms) of one concept in one normalised text."""
    full = frozenset(t for t in concept.terms if t in text)
    if full:
        return 1.0, full
    if concept.pieces:
        found = frozenset(p for p in concept.pieces if p in text)
        if found:
            return 0.5 * len(found) / len(concept.pieces), found
    return 0.0, frozenset()


def _score_guide(guide, concepts, weights):
    heading = normalize(guide.heading)
    summary = normalize(guide.summary)
    texts = [(p, p.folded_title, p.folded_text) for p in guide.passages]
    total = 0.0
    matched = 0
    title_terms = frozenset()
    passage_scores = {}
    passage_terms = {}
    for concept in concepts:
        best = 0.0
        weight = weights[concept]
        quality, terms = _match(concept, heading)
        if quality:
            best = WEIGHT_TITLE * quality
            title_terms |= terms
        quality, terms = _match(concept, summary)
        if quality:
            best = max(best, WEIGHT_SUMMARY * quality)
            title_terms |= terms
        for passage, title, text in texts:
            q_title, t_title = _match(concept, title)
            q_text, t_text = _match(concept, text)
            score = max(WEIGHT_ITEM_TITLE * q_title, WEIGHT_ITEM_TEXT * q_text) * weight
            if score:
                passage_scores[passage] = passage_scores.get(passage, 0.0) + score
                passage_terms[passage] = passage_terms.get(passage, frozenset()) | t_title | t_text
                best = max(best, score / weight)
        if best:
            matched += 1
            total += best * weight
    if not matched:
        return None
    coverage = matched / len(concepts)
    hits = sorted(
        (Hit(p, s, passage_terms[p]) for p, s in passage_scores.items()),
        key=lambda h: -h.score,
    )
    return Result(guide=guide, score=total * coverage, title_terms=title_terms, hits=hits)


def search(raw, index=None):
    """Return the `Outcome` of searching for `raw` (never raises on odd input)."""
    outcome = Outcome(raw=raw or "")
    # What the reader typed, shown back as typed (minus control characters);
    # `text` is the folded form used for matching.
    shown = "".join(ch for ch in outcome.raw if unicodedata.category(ch)[0] != "C").strip()
    if len(shown) > MAX_QUERY_CHARS:
        outcome.truncated = True
        shown = shown[:MAX_QUERY_CHARS]
    outcome.query = shown
    text = normalize(shown)
    if not text.strip():
        outcome.problem = "empty"
        return outcome
    index = index or get_index()
    outcome.region, rest = _take_region(text)
    outcome.concepts = parse_query(rest, index.synonyms)
    if not outcome.concepts:
        outcome.problem = "" if outcome.region else "no-words"
        if outcome.region:  # only a province: every guide, as it applies there
            outcome.results = [Result(g, 0, frozenset(), [], region=outcome.region) for g in index.guides]
            outcome.results = [r for r in outcome.results if r.guide.for_reason][:MAX_RESULTS]
        return outcome
    weights = {c: index.weight(c) for c in outcome.concepts}
    scored = [r for r in (_score_guide(g, outcome.concepts, weights) for g in index.guides) if r]
    # Stable sort: equal scores keep catalogue order (certificate type, then situation).
    scored.sort(key=lambda r: -r.score)
    outcome.results = _fold_duplicates(scored)[:MAX_RESULTS]
    for result in outcome.results:
        result.hits = result.hits[:PASSAGES_PER_RESULT]
        result.region = outcome.region
    return outcome


def _take_region(text):
    """Return (the province the query names, or None; the query without it)."""
    for region in get_catalogue().regions:
        for name in (region.name, region.short_name):
            if name and name in text:
                return region, text.replace(name, " ")
    return None, text


def _fold_duplicates(results):
    """Fold a guide into a better-ranked one when it matched only the same shared items.

    A FAQ that applies to every guide would otherwise fill the page with a dozen
    identical results; the reader gets one, with links to the others.
    """
    kept = []
    for result in results:
        keys = frozenset(h.passage.key for h in result.hits)
        twin = next(
            (k for k in kept if not result.title_terms and keys and keys == frozenset(h.passage.key for h in k.hits)),
            None,
        )
        if twin is None:
            kept.append(result)
        else:
            twin.also_in.append(result.guide)
    return kept


# ── Display ────────────────────────────────────────────────────────────────


def highlight(text, terms, window=80):
    """Return `text` escaped, with `terms` wrapped in <mark>, cut to a window around the first match."""
    text = text or ""
    folded = normalize(text)
    if len(folded) != len(text):  # NFKC changed the length; match on the original instead
        folded = text.lower()
    spans = _spans(folded, terms)
    start, end = 0, len(text)
    if window is not None and len(text) > window:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - window // 4, len(text) - window))
        end = start + window
    parts = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        if e <= start or s >= end or s < pos:
            continue
        parts.append(escape(text[pos:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    parts.append(escape(text[pos:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of text above is escaped


def _spans(folded, terms):
    if not terms:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    return [m.span() for m in pattern.finditer(folded)]


def popular_guides(limit=5):
    """Return the guides readers answer most often, then the catalogue order, as (title, url).

    The site keeps no page-view log, so "most read" is measured by the answers to
    "这个页面有帮助吗？" — a reader signal we do have.
    """
    index = get_index()
    by_url = {g.url: g for g in index.guides}
    answered = (
        PageFeedback.objects.filter(url__in=by_url)
        .annotate(answers=F("yes_count") + F("no_count"))
        .filter(answers__gt=0)
        .order_by("-answers", "url")
        .values_list("url", flat=True)[:limit]
    )
    ranked = [by_url[url] for url in answered]
    # Then the reason guides (遗失, 损毁) in catalogue order: what most people come for.
    fill = sorted(index.guides, key=lambda g: not g.for_reason)
    ranked += [g for g in fill if g not in ranked]
    return ranked[:limit]


def checker_url():
    """Return the situation checker's address (`/check/` in the design), whatever its URL name."""
    for name in ("guides:checker", "guides:check", "guides:check_start", "checker:start"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/check/"
