"""Search the published guides in the words a citizen would use: rank, then show.

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

import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import F
from django.urls import reverse

from guides.directory.lookup import get_directory
from guides.models import PageFeedback
from guides.search.index import GuideDoc, Passage, get_index
from guides.search.query import match_concept, parse_query, take_region
from guides.text import MAX_QUERY_CHARS, normalize

MAX_RESULTS = 10

PASSAGES_PER_RESULT = 3

WEIGHT_TITLE = 10

WEIGHT_SUMMARY = 4

WEIGHT_ITEM_TITLE = 3

WEIGHT_ITEM_TEXT = 1


@dataclass
class Hit:
    passage: Passage
    score: float
    terms: frozenset

    @property
    def url_anchor(self):
        return f"#{self.passage.section}"

    @property
    def title_parts(self):
        return highlight(self.passage.title, self.terms, window=None)

    @property
    def snippet_parts(self):
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
    def title_parts(self):
        return highlight(self.title, self.title_terms, window=None)

    @property
    def summary_parts(self):
        return highlight(self.guide.summary, self.title_terms)


@dataclass
class SearchPage:
    """What the search page shows for one query, including why a query was not run."""

    raw: str
    query: str = ""
    region: object = None
    concepts: list = field(default_factory=list)
    results: list = field(default_factory=list)
    truncated: bool = False
    folded: str = ""  # the query as matched: folded (NFKC, lower case), at most MAX_QUERY_CHARS
    problem: str = ""  # "empty" or "no-words": the query held nothing to search for
    entry: object = None  # the directory entry the query names (电工证, 驾驶证), if any
    suggestions: tuple = ()  # entries a misspelt name may mean, when no one entry is clearly meant

    @property
    def searched(self):
        return bool(self.concepts)


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
        quality, terms = match_concept(concept, heading)
        if quality:
            best = WEIGHT_TITLE * quality
            title_terms |= terms
        quality, terms = match_concept(concept, summary)
        if quality:
            best = max(best, WEIGHT_SUMMARY * quality)
            title_terms |= terms
        for passage, title, text in texts:
            q_title, t_title = match_concept(concept, title)
            q_text, t_text = match_concept(concept, text)
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
    """Return the `SearchPage` for searching for `raw` (never raises on odd input)."""
    outcome = SearchPage(raw=raw or "")
    # What the reader typed, shown back as typed (minus control characters);
    # `text` is the folded form used for matching.
    shown = "".join(ch for ch in outcome.raw if unicodedata.category(ch)[0] != "C").strip()
    if len(shown) > MAX_QUERY_CHARS:
        outcome.truncated = True
        shown = shown[:MAX_QUERY_CHARS]
    outcome.query = shown
    # Cut again after folding: NFKC can lengthen a character eighteen-fold (U+FDFA),
    # and everything below costs in proportion to the folded length.
    text = normalize(shown)
    if len(text) > MAX_QUERY_CHARS:
        outcome.truncated = True
        text = text[:MAX_QUERY_CHARS]
    outcome.folded = text
    if not text.strip():
        outcome.problem = "empty"
        return outcome
    named = get_directory().match(text)
    outcome.entry, outcome.suggestions = named.entry, named.suggestions
    if outcome.entry is not None and not outcome.entry.in_scope:
        return outcome  # not ours: the page says who reissues it, and shows no unrelated guide
    index = index or get_index()
    outcome.region, rest = take_region(text)
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
    if outcome.entry is not None:
        # The certificate named in the query decides which guides answer it: its type's only.
        scored = [r for r in scored if r.guide.cert == outcome.entry.certificate_type.slug] or scored
    outcome.results = _fold_duplicates(scored)[:MAX_RESULTS]
    for result in outcome.results:
        result.hits = result.hits[:PASSAGES_PER_RESULT]
        result.region = outcome.region
    return outcome


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


def highlight(text, terms, window=80):
    """Return `text` cut to a window around the first match, as (piece, is_match) pairs.

    The template marks the matched pieces (and escapes every piece).
    """
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
    parts = [("…", False)] if start > 0 else []
    pos = start
    for s, e in spans:
        if e <= start or s >= end or s < pos:
            continue
        parts.append((text[pos:s], False))
        parts.append((text[s:e], True))
        pos = e
    parts.append((text[pos:end], False))
    if end < len(text):
        parts.append(("…", False))
    return parts


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
    """Return the situation checker's address."""
    return reverse("guides:check_start")
