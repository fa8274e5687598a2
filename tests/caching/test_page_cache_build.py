"""Pages and entries stored by old code: not served after a template or code change, never an error."""

import os
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse

from guides.caching import local_cache, page_cache
from guides.caching.version import get_content_version


def test_a_template_change_gives_a_new_build_id_without_a_manifest(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path  # no staticfiles.json: as under `make run`
    page_cache.build_id.cache_clear()
    before = page_cache.build_id()
    template = settings.BASE_DIR / "templates" / "guides" / "guide.html"
    stat = template.stat()
    try:
        os.utime(template, ns=(stat.st_atime_ns, page_cache._newest_source_change() + 10**9))
        page_cache.build_id.cache_clear()
        assert page_cache.build_id() != before
    finally:
        os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        page_cache.build_id.cache_clear()
    assert page_cache.build_id() == before
    page_cache.build_id.cache_clear()


class MovedAway:
    """Stands for a class a later release moved or renamed."""


def _store_unreadable(key):
    """Put an entry under `key` that unpickles only while MovedAway exists, then make it go away."""
    cache.set(key, MovedAway(), timeout=60)
    return globals().pop("MovedAway")


def test_a_cache_entry_older_code_stored_is_recomputed_not_an_error(content, client):
    """After a deploy that moved a class, versioned entries in Redis must not break pages."""
    global MovedAway
    version = get_content_version()
    saved = _store_unreadable(f"catalogue:{version}:0")
    try:
        local_cache.clear()
        with pytest.raises(AttributeError):
            cache.get(f"catalogue:{version}:0")  # what every page would have raised
        response = client.get(reverse("guides:guide", args=["professional-qualification", "lost"]))
        assert response.status_code == HTTPStatus.OK
        assert "补办" in response.text
        assert local_cache.get_or_set("nothing-here", lambda: 5, 60) == 5
    finally:
        MovedAway = saved
