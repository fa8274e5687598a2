"""One helper keys every content-derived cache entry: a deploy never reads another release's objects."""

import ast
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.urls import reverse

from guides.caching import local_cache, page_cache
from guides.caching.page_cache import entry_key

PAGES = [
    reverse("guides:guide_region", args=["skill-certificate", "lost", "guangdong"]),
    reverse("guides:guide", args=["skill-certificate", "lost"]),
    reverse("guides:guide", args=["professional-qualification", "cross-province"]),
    reverse("guides:home"),
    reverse("guides:directory") + "?q=会计",
    reverse("guides:search") + "?q=工本费",
    reverse("sitemap"),
]


class OldGuide:
    """An object of the shape an older release stored: none of the attributes this one reads."""


def _stored_keys():
    """Return the (unprefixed) keys of the default cache: locmem in tests, or django-redis."""
    if hasattr(cache, "keys"):
        return cache.keys("*")
    return [key.split(":", 2)[2] for key in cache._cache]


def test_a_deploy_over_an_older_releases_cache_renders_every_page(content, client, settings):
    """Issue 20.2: objects the previous release stored are never read (they would raise AttributeError)."""
    settings.CACHE_RELEASE = "previous-release"
    for url in PAGES:
        assert client.get(url).status_code == HTTPStatus.OK, url
    old_keys = [key for key in _stored_keys() if key.startswith("v:previous-release:")]
    assert any(":guide:" in key for key in old_keys) and any(":catalogue:" in key for key in old_keys)
    # Whatever it stored is now of a shape this release cannot use.
    for key in old_keys:
        cache.set(key, OldGuide(), timeout=600)
    caches["pages"].set(entry_key(client.get(PAGES[0]).wsgi_request), OldGuide.__name__, timeout=600)

    settings.CACHE_RELEASE = "this-release"
    local_cache.clear()
    page_cache.clear_local_entries()
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
    assert "广东" in client.get(PAGES[0]).text
    assert not any(isinstance(cache.get(key), OldGuide) for key in _stored_keys() if "this-release" in key)


def test_a_page_entry_of_another_shape_is_ignored(content, client):
    """Under this release's own page key, a value that is not a page entry is a miss, not a 500."""
    url = PAGES[1]
    key = entry_key(client.get(url).wsgi_request)
    page_cache.clear_local_entries()
    for planted in ["<html>", {"version": 1}, ["content"], {"version": "x", "content": 5, "headers": {}}]:
        caches["pages"].set(key, planted, timeout=600)
        page_cache.clear_local_entries()
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, planted
        assert "补办" in response.text


# --- no hand-built version keys ---------------------------------------------------------

GUIDES = Path(settings.BASE_DIR) / "guides"
# The helper and what it is built from; health checks the cache with a throwaway key.
MAY_USE_THE_CACHE = {"caching/versioned.py", "caching/local_cache.py", "caching/version.py", "web/health.py"}
CACHING_INTERNALS = {"caching/page_cache.py", "caching/counters.py", "caching/backends.py"}


def _modules():
    for path in sorted(GUIDES.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(GUIDES).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_no_module_builds_a_version_keyed_cache_key_by_hand():
    """Every content-derived value goes through `versioned()`, so no key can forget the release."""
    offences = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr | ast.BinOp) and any(
                isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", "")) == "get_content_version"
                for n in ast.walk(node)
            ):
                offences.append(f"{name}:{node.lineno} builds a string from get_content_version()")
            if name in MAY_USE_THE_CACHE | CACHING_INTERNALS:
                continue
            if isinstance(node, ast.ImportFrom) and node.module == "django.core.cache":
                offences.append(f"{name}:{node.lineno} uses the cache directly: use guides.caching.versioned")
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "guides.caching"
                and any(alias.name == "local_cache" for alias in node.names)
            ):
                offences.append(f"{name}:{node.lineno} uses local_cache directly: use guides.caching.versioned")
            if isinstance(node, ast.BinOp) and ast.unparse(node) == "60 * 60 * 24":
                offences.append(f"{name}:{node.lineno} sets its own cache timeout: versioned() has one")
    assert not offences, "\n".join(offences)


def test_the_check_catches_a_hand_built_key():
    """The check above can fail: the code it forbids, as it was before the helper."""
    tree = ast.parse('key = f"catalogue:{get_content_version()}:0"')
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr))
    assert any(isinstance(n, ast.Call) and n.func.id == "get_content_version" for n in ast.walk(node))


def test_values_are_stored_by_this_release(content, client, settings):
    settings.CACHE_RELEASE = "r1"
    client.get(PAGES[1])
    keys = _stored_keys()
    assert keys and all(key.startswith("v:r1:") for key in keys), keys
