"""Rendered pieces of pages, kept in this process per content version: `cached(macro, *args)`.

A section of a guide (its materials, its steps, its sources) reads the same on every
page that shows the same items with the same labels: a national material list is on
dozens of guide pages and hundreds of checker outcomes. So a template asks for it as

    {{ cached(items.materials, labelled(guide, "materials")) }}

and the macro renders once per content version for those arguments; every later
page that passes equal arguments reuses the HTML.

The key is the macro and its arguments, so a cached macro must be a function of its
arguments alone: it takes as arguments everything it shows (the labels, not the
guide they are worked out from) and calls only globals that depend on nothing else
(`url()`, `|date`). The macros of an imported template (`{% import … as items %}`) see
no page variables, so a forgotten input fails to render instead of leaking from one
page into another. A model instance in the arguments stands for its row (model and
primary key): its fields cannot change without an edit, and an edit changes the
content version, which keys the whole store.

Entries live in this process only (a lookup is a dictionary read, no round trip) for
the current content version: the first request under a new version drops the others.
`MAX_ENTRIES` bounds them. A template reloaded by the development server makes new
macro objects, hence new keys.
"""

from django.db.models import Model

from guides.caching.version import get_content_version

# Sections × their label variants on the real content are a few hundred.
MAX_ENTRIES = 5000
# (content version, {key: HTML}), replaced whole: a thread (gthread workers) reads both at once,
# so it never files HTML of one version under another.
_store = (None, {})


def cached(macro, *args):
    """Return `macro(*args)`, rendered once per content version for equal arguments."""
    global _store
    version = get_content_version()
    store = _store
    if store[0] != version:
        store = _store = (version, {})
    entries = store[1]
    key = (macro, key_of(args))
    try:
        return entries[key]
    except KeyError:
        pass
    html = macro(*args)
    if len(entries) >= MAX_ENTRIES:
        entries.clear()
    entries[key] = html
    return html


class Keyed(tuple):
    """A tuple that works out its key once: for arguments that many pages pass (a guide's sections)."""

    def __new__(cls, parts):
        self = super().__new__(cls, parts)
        self.fragment_key = tuple(key_of(part) for part in self)
        return self


def key_of(value):
    """Return a hashable stand-in for `value`: rows by model and primary key, sequences as tuples.

    An object may carry its own (`fragment_key`, worked out once: `Keyed`).
    """
    if isinstance(value, Model):
        return (type(value), value.pk)
    key = getattr(value, "fragment_key", None)
    if key is not None:
        return key
    if isinstance(value, list | tuple):
        return tuple(key_of(part) for part in value)
    return value


def clear():
    """Forget every fragment (tests)."""
    global _store
    _store = (None, {})
