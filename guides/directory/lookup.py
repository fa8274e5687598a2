"""Find a certificate by the name people use for it (cached per content version).

Matching never answers confidently wrong:
- the longest name or alias found in the query wins ("一级建造师" over "建造师");
- a name found inside a longer word that names something else does not count
  (医师资格证 inside 执业兽医师资格证: 兽医 is another word);
- a name typed with one character wrong or missing is forgiven only when exactly one
  entry is that close (its near name longer than any other entry's near name) and the typed word holds no other known word (律师执业证 is not a
  typo of 医师执业证: 律师 is a word); otherwise the reader is asked "您要找的是不是：…".
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from guides.caching.versioned import versioned
from guides.models import DirectoryEntry
from guides.text import MAX_QUERY_CHARS, normalize

# Words that name a different profession or level when an alias is found next to or
# inside them. An alias occurrence overlapped by one of these (which the alias itself
# does not contain) is part of another name, not the alias.
OTHER_WORDS = (
    "律师",
    "医师",
    "教师",
    "药师",
    "护士",
    "护师",
    "技师",
    "兽医",
    "会计",
    "审计",
    "统计",
    "一级教师",
    "二级教师",
    "三级教师",
    "高级教师",
    "特级教师",
)

MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Match:
    """What a query names: one entry, or nothing but some entries it may have meant."""

    entry: object = None
    suggestions: tuple = ()
    typo: str = ""  # the name a forgiven typo was taken for


@dataclass(frozen=True)
class Directory:
    entries: tuple
    # (folded alias, entry), longest first, so "一级建造师" wins over "建造师".
    aliases: tuple
    words: frozenset  # every folded name and alias, and OTHER_WORDS

    def by_kind(self, entries=None):
        """Return [(kind value, kind label, [entry, …]), …] in the order of DirectoryEntry.Kind."""
        groups = {}
        for entry in self.entries if entries is None else entries:
            groups.setdefault(entry.kind, []).append(entry)
        return [(value, label, groups[value]) for value, label in DirectoryEntry.Kind.choices if value in groups]

    def entry(self, slug):
        return next((e for e in self.entries if e.slug == slug), None)

    def departments(self):
        """Return [(value, label), …] of the departments entries name, in the order of the choices."""
        used = {e.department for e in self.entries}
        return [(v, label) for v, label in DirectoryEntry.Department.choices if v in used]

    def filter(self, q="", kind="", department=""):
        """Return the entries matching a free-text `q` (name, alias, kind, 实施部门) and the filters."""
        entries = [e for e in self.entries if (not kind or e.kind == kind)]
        entries = [e for e in entries if not department or e.department == department]
        folded = normalize(q).strip()
        if not folded:
            return entries
        named = self.match(folded).entry
        return [e for e in entries if e == named or folded in _haystack(e)]

    def find(self, text):
        """Return the entry `text` names, or None (see `match`)."""
        return self.match(text).entry

    def match(self, text):
        """Return the `Match` for `text`: the entry it names, or candidates it may mean.

        Only the first MAX_QUERY_CHARS folded characters are read: the typo pass costs
        aliases × characters, and a query is never longer than that.
        """
        folded = normalize(text[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS]
        for alias, entry in self.aliases:
            start = folded.find(alias)
            while start != -1:
                if not _inside_other_word(folded, start, len(alias), alias):
                    return Match(entry=entry)
                start = folded.find(alias, start + 1)
        near = {}
        for alias, entry in self.aliases:
            if len(alias) < 4:
                continue
            found = _near(alias, folded)
            if found is not None and not _inside_other_word(folded, found[0], len(found[1]), alias):
                near.setdefault(entry, []).append((alias, found[1]))
        if not near:
            return Match()
        # The closest is the entry whose near name is longest (it explains more of what was typed).
        best = {entry: max(len(alias) for alias, _ in found) for entry, found in near.items()}
        ranked = sorted(near, key=lambda e: -best[e])
        leader = ranked[0]
        if len(ranked) == 1 or best[ranked[1]] < best[leader]:
            alias, window = max(near[leader], key=lambda pair: len(pair[0]))
            if not any(w in window and w not in alias for w in self.words if len(w) >= 2):
                return Match(entry=leader, typo=alias)
        # Ask among the closest only (an entry whose near name is shorter explains less of the query).
        closest = [e for e in ranked if best[e] == best[leader]]
        return Match(suggestions=tuple(closest[:MAX_SUGGESTIONS]))


def _haystack(entry):
    parts = [
        entry.name,
        entry.aliases,
        entry.implemented_by,
        entry.reissued_by,
        entry.get_kind_display(),
        entry.get_department_display() if entry.department else "",
    ]
    return normalize(" ".join(parts))


def _inside_other_word(text, start, length, alias):
    """Tell whether the `length` characters at `start` (where `alias` was found) overlap another word that extends past them."""
    end = start + length
    for word in OTHER_WORDS:
        if word in alias:
            continue
        pos = text.find(word, max(0, start - len(word) + 1))
        while pos != -1 and pos < end:
            if pos < start or pos + len(word) > end:
                return True
            pos = text.find(word, pos + 1)
    return False


def _near(alias, text):
    """Return (start, part) of `text` that is `alias` with one character substituted or left out, or None."""
    n = len(alias)
    for start in range(len(text) - n + 2):
        window = text[start : start + n]
        if len(window) == n and sum(a != b for a, b in zip(alias, window, strict=True)) == 1:
            return start, window
        shorter = text[start : start + n - 1]
        if len(shorter) == n - 1 and any(alias[:i] + alias[i + 1 :] == shorter for i in range(n)):
            return start, shorter
    return None


def get_directory(include_drafts=False):
    return versioned("directory", int(include_drafts), build=lambda: _load(include_drafts))


def _load(include_drafts):
    """Load the directory in a fixed number of queries (entries, their other sources, their alternatives)."""
    alternatives = DirectoryEntry.objects.select_related("certificate_type")
    if not include_drafts:
        alternatives = alternatives.filter(is_published=True)
    qs = DirectoryEntry.objects.select_related("certificate_type", "see_also", "source").prefetch_related(
        "more_sources", Prefetch("alternatives", queryset=alternatives.order_by("order", "name"))
    )
    if not include_drafts:
        qs = qs.filter(is_published=True)
    entries = tuple(qs)
    if not include_drafts:
        for entry in entries:
            _hide_draft_types(entry)
    aliases = sorted(
        ((normalize(alias), entry) for entry in entries for alias in entry.alias_list() if normalize(alias)),
        key=lambda pair: -len(pair[0]),
    )
    words = frozenset(alias for alias, _ in aliases) | frozenset(OTHER_WORDS)
    return Directory(entries=entries, aliases=tuple(aliases), words=words)


def _hide_draft_types(entry):
    """Drop links to a certificate type that is not published (its guides answer 404).

    The entry then answers with its own text, as an entry the site does not cover
    (由谁补办, 怎么办; check_content warns that the entry points at a draft). Only
    this cached copy changes; editors' previews, which show drafts, keep the link.
    """
    if entry.certificate_type is not None and not entry.certificate_type.is_published:
        entry.certificate_type = None
    if entry.see_also is not None and not entry.see_also.is_published:
        entry.see_also = None
