"""Cut a citizen's query into concepts.

Chinese has no spaces, so a query is cut into *concepts*: editor-maintained
synonym groups found in the query (丢了 → 丢了/丢失/遗失 …), Latin words and
numbers, and the remaining runs of Chinese characters (a run no page contains
whole still earns partial credit for its two-character pieces).
"""

import re
from dataclasses import dataclass

from guides.content.catalogue import get_catalogue

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


@dataclass(frozen=True)
class Concept:
    """One part of the query: any of `terms` matches fully; `pieces` give partial credit."""

    label: str
    terms: frozenset
    pieces: frozenset = frozenset()


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


def take_region(text):
    """Return (the province the query names, or None; the query without it)."""
    for region in get_catalogue().regions:
        for name in (region.name, region.short_name):
            if name and name in text:
                return region, text.replace(name, " ")
    return None, text


def match_concept(concept, text):
    """Return (quality 0–1, matched terms) of one concept in one normalised text."""
    full = frozenset(t for t in concept.terms if t in text)
    if full:
        return 1.0, full
    if concept.pieces:
        found = frozenset(p for p in concept.pieces if p in text)
        if found:
            return 0.5 * len(found) / len(concept.pieces), found
    return 0.0, frozenset()
