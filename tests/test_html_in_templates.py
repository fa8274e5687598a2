"""HTML is written in templates: no Python module of the app builds it from a string (STYLE.md)."""

import ast
import re
from pathlib import Path

import guides

GUIDES = Path(guides.__file__).parent

# An opening or closing tag: <a href="…">, <mark>, </p>, <br/>.
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def docstrings(tree):
    """Return the string nodes that document a module, class or function (prose may show `<id>`)."""
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef))]
    return {
        id(node.body[0].value)
        for node in nodes
        if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }


def html_strings(source):
    """Return (line, text) of each string literal in `source` that holds an HTML tag, f-string pieces included."""
    tree = ast.parse(source)
    skip = docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and TAG.search(node.value)
    ]


def test_html_strings_finds_tags_in_literals_and_f_strings_but_not_in_docstrings():
    source = '"""Wrap terms in <mark>."""\nA = \'<a href="{}">{}</a>\'\nB = f"<mark>{x}</mark>"\nC = "a < b > c"\n'
    assert [line for line, _ in html_strings(source)] == [2, 3, 3]


def test_no_python_module_of_the_app_holds_an_html_tag():
    found = [
        f"{path.relative_to(GUIDES.parent)}:{line}: {text!r}"
        for path in sorted(GUIDES.rglob("*.py"))
        if "migrations" not in path.parts
        for line, text in html_strings(path.read_text(encoding="utf-8"))
    ]
    assert not found, "HTML belongs in a template (templates/):\n" + "\n".join(found)
