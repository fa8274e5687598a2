"""Write the content back to YAML fixtures with natural keys (`manage.py export_content`).

The files match the ones `make run` loads (settings.CONTENT_FIXTURES): reference,
regions, guide (published items) and drafts (unpublished items), so an editor's work
in admin can be committed and reloaded anywhere with `load_content`.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.core import serializers
from django.utils import timezone

from guides.content.validation import LIMIT_FIELDS
from guides.models import StepChannel
from guides.models.base import fixture_defaults
from guides.registry import BOOKKEEPING_FIELDS, CONTENT_TABLES, PUBLISHING_FIELDS

HEADERS = {
    "reference": "Reference content: sources, certificate types, situations and holiday rows.",
    "regions": "The province-level regions (GB/T 2260 codes).",
    "guide": "Published guide items and the channels of their steps.",
    "drafts": "Unpublished guide items (草稿): only logged-in editors see them on the site.",
    "synonyms": "Search synonyms: words citizens use for the same thing.",
    "offices": "Offices and online channels that take reissue applications, sourced; drafts until sourced.",
    "directory": "The certificate directory: names people use, who reissues each, sourced.",
}
# Shared bookkeeping fields go last, so each row starts with what it is about.
TRAILING_FIELDS = [*LIMIT_FIELDS, "replaces", *PUBLISHING_FIELDS]


def content_files():
    """Return {file name: [querysets]} in load order (guides.registry.CONTENT_TABLES)."""
    files = {}
    for table in CONTENT_TABLES:
        model = table.model
        if table.fixture != "guide":
            files.setdefault(table.fixture, []).append(model.objects.all())
            continue
        published = "step__is_published" if model is StepChannel else "is_published"
        files.setdefault("guide", []).append(model.objects.filter(**{published: True}))
        files.setdefault("drafts", []).append(model.objects.filter(**{published: False}))
    return files


def export_content(directory):
    """Write one YAML fixture per content file into `directory`; return {path: row count}."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, querysets in content_files().items():
        # The files' own default: a row without `is_published: false` is published (load_content reads them so).
        with fixture_defaults():
            rows = [row for qs in querysets for row in _rows(qs)]
        path = directory / f"{name}.yaml"
        header = (
            f"# {HEADERS[name]}\n"
            f"# Written by `manage.py export_content` on {timezone.localdate():%Y-%m-%d}; "
            "natural keys, defaults left out. Load with `manage.py load_content`.\n\n"
        )
        body = yaml.dump(rows, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000) if rows else "[]\n"
        path.write_text(header + body, encoding="utf-8")
        written[path] = len(rows)
    return written


def _rows(queryset):
    model = queryset.model
    ordered = queryset.order_by(*(model._meta.ordering or ["pk"]), "pk")
    data = serializers.serialize("python", ordered, use_natural_foreign_keys=True, use_natural_primary_keys=True)
    fields = {f.name: f for f in model._meta.get_fields() if hasattr(f, "attname")}
    for row in data:
        kept = {}
        names = sorted(row["fields"], key=lambda n: TRAILING_FIELDS.index(n) + 1 if n in TRAILING_FIELDS else 0)
        for name in names:
            value = row["fields"][name]
            if name in BOOKKEEPING_FIELDS or _is_default(fields[name], value):
                continue
            kept[name] = value
        yield {"model": row["model"], "fields": kept}


def _is_default(field, value):
    if field.many_to_many:
        return not value
    if field.has_default():
        return value == field.get_default()
    return value is None or (value == "" and field.blank)


class _Dumper(yaml.SafeDumper):
    """Block mappings, flow lists (`situations: [[lost]]`), Decimals as strings."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_str(str(value)))


def _represent_list(dumper, value):
    # The file is a block list of rows; keys and limits inside a row read best inline.
    flow = not any(isinstance(item, dict) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)
_Dumper.add_representer(
    dict, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=False)
)
