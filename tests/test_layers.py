"""Layers that only point down (issue 21 §2): every import in guides/ stays in its layer or goes lower,
and no two packages of a layer import each other.

LAYERS is the one list of the layers; docs/architecture.md ("The layers") says the same in words.
"""

import ast
import re
from importlib.util import resolve_name
from pathlib import Path

from django.conf import settings

# Bottom to top: the parts of guides/ (a package or a module) in each layer.
LAYERS = [
    {"models", "registry", "text", "clients", "paths", "clock"},
    {"caching"},
    {"content"},
    {"checker", "search", "directory", "feedback"},
    {"web", "admin", "admin_site", "urls", "apps", "management", "templatetags"},
]

ROOT = Path(settings.BASE_DIR)
GUIDES = ROOT / "guides"
LAYER_OF = {part: number for number, layer in enumerate(LAYERS, start=1) for part in layer}


def part_of(module):
    """Return the part of guides/ that a dotted module name lies in ("guides.search.query" → "search")."""
    return module.split(".")[1] if module.startswith("guides.") else None


def modules():
    """Yield (path, dotted name) of every module of guides/, migrations left out."""
    for path in sorted(GUIDES.rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        if "migrations" in relative.parts or relative.parts == ("guides", "__init__"):
            continue
        names = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        yield path, ".".join(names)


def imports(path, module):
    """Yield (line, imported module) for every import in the file, at module level or inside a function."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = resolve_name("." * node.level + (node.module or ""), package) if node.level else node.module
            if base == "guides":  # from guides import web
                for alias in node.names:
                    yield node.lineno, f"guides.{alias.name}"
            else:
                yield node.lineno, base


def edges():
    """Yield (where, importing part, imported part, imported module) between two parts of guides/."""
    for path, module in modules():
        for line, imported in imports(path, module):
            source, target = part_of(module), part_of(imported)
            if target and target != source:
                yield f"{path.relative_to(ROOT)}:{line}", source, target, imported


def test_every_part_of_guides_sits_in_a_layer():
    parts = {part_of(module) for _path, module in modules()}
    assert parts - set(LAYER_OF) == set(), "place these in LAYERS (and in docs/architecture.md)"
    assert set(LAYER_OF) - parts == set(), "LAYERS names parts guides/ no longer has"


def test_no_import_points_up_a_layer():
    upward = [
        f"{where} imports {imported}: {target} (layer {LAYER_OF[target]}) is above {source} (layer {LAYER_OF[source]})"
        for where, source, target, imported in edges()
        if LAYER_OF[target] > LAYER_OF[source]
    ]
    assert not upward, "\n".join(upward)


def test_no_two_packages_import_each_other():
    first_import = {}
    for where, source, target, imported in edges():
        first_import.setdefault((source, target), f"{where} imports {imported}")
    mutual = [
        f"{first_import[pair]}, and {first_import[pair[::-1]]}"
        for pair in sorted(first_import)
        if pair[0] < pair[1] and pair[::-1] in first_import
    ]
    assert not mutual, "\n".join(mutual)


def test_the_architecture_doc_lists_the_same_layers():
    doc = (ROOT / "docs" / "architecture.md").read_text()
    section = doc.split("## The layers", 1)[1].split("\n## ", 1)[0]
    items = re.split(r"^\d+\. ", section, flags=re.MULTILINE)[1:]
    documented = [set(re.findall(r"`guides/(\w+)(?:/|\.py)`", item)) for item in items]
    assert documented == LAYERS
