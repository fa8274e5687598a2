"""Find a certificate by the name people use for it (cached per content version)."""

from dataclasses import dataclass

from guides.caching.versioned import versioned
from guides.models import DirectoryEntry
from guides.search.query import normalize


@dataclass(frozen=True)
class Directory:
    entries: tuple
    # (folded alias, entry), longest first, so "一级建造师" wins over "建造师".
    aliases: tuple

    def by_kind(self):
        """Return [(kind label, [entry, …]), …] in the order of DirectoryEntry.Kind."""
        groups = {}
        for entry in self.entries:
            groups.setdefault(entry.kind, []).append(entry)
        return [(label, groups[value]) for value, label in DirectoryEntry.Kind.choices if value in groups]

    def entry(self, slug):
        return next((e for e in self.entries if e.slug == slug), None)

    def find(self, text):
        """Return the entry whose name or alias appears in `text` (the longest such alias), or None.

        Failing that, a name of four or more characters typed with one character wrong
        (注册会记师) or missing (注册计师) still finds its entry.
        """
        folded = normalize(text)
        exact = next((entry for alias, entry in self.aliases if alias in folded), None)
        if exact is not None:
            return exact
        return next((entry for alias, entry in self.aliases if len(alias) >= 4 and _near(alias, folded)), None)


def _near(alias, text):
    """Tell whether `text` holds `alias` with one character substituted or left out."""
    n = len(alias)
    for start in range(len(text) - n + 2):
        window = text[start : start + n]
        if len(window) == n and sum(a != b for a, b in zip(alias, window, strict=True)) == 1:
            return True
        shorter = text[start : start + n - 1]
        if len(shorter) == n - 1 and any(alias[:i] + alias[i + 1 :] == shorter for i in range(n)):
            return True
    return False


def get_directory(include_drafts=False):
    return versioned("directory", int(include_drafts), build=lambda: _load(include_drafts))


def _load(include_drafts):
    qs = DirectoryEntry.objects.select_related("certificate_type", "see_also", "source")
    if not include_drafts:
        qs = qs.filter(is_published=True)
    entries = tuple(qs)
    aliases = sorted(
        ((normalize(alias), entry) for entry in entries for alias in entry.alias_list() if normalize(alias)),
        key=lambda pair: -len(pair[0]),
    )
    return Directory(entries=entries, aliases=tuple(aliases))
