"""Pages and entries stored by old code: not served after a template or code change, never an error."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse

from guides.caching import local_cache, release
from guides.caching.versioned import versioned_key


def site_with_a_template(tmp_path):
    """Return (a site's root, its template, the release digest before the template changes)."""
    root = tmp_path / "site"
    (root / "templates").mkdir(parents=True)
    template = root / "templates" / "guide.html"
    template.write_text("<p>{{ guide }}</p>")
    return root, template, release.source_digest(root)


def test_a_template_change_gives_a_new_release(settings, tmp_path):
    """The release is a digest of the code: a deploy that changes a template gets fresh keys."""
    root, template, before = site_with_a_template(tmp_path)
    template.write_text("<p>{{ guide.offices }}</p>")
    release.source_digest.cache_clear()
    assert release.source_digest(root) != before
    release.source_digest.cache_clear()


def test_a_file_the_development_server_sees_change_gives_a_new_release(tmp_path):
    """`make run` does not restart for a template: its reloader's signal makes a new release, so no page is stale."""
    from django.utils.autoreload import file_changed

    root, template, before = site_with_a_template(tmp_path)
    template.write_text("<p>{{ guide.offices }}</p>")
    assert release.source_digest(root) == before  # worked out once per process
    file_changed.send(sender=None, file_path=template)
    assert release.source_digest(root) != before
    release.source_digest.cache_clear()


def test_this_release_has_a_digest_of_the_real_sources(settings):
    settings.CACHE_RELEASE = ""
    token = release.release_id()
    assert token == release.source_digest(settings.BASE_DIR) and len(token) == 12


class MovedAway:
    """Stands for a class a later release moved or renamed."""


def _store_unreadable(key):
    """Put an entry under `key` that unpickles only while MovedAway exists, then make it go away."""
    cache.set(key, MovedAway(), timeout=60)
    return globals().pop("MovedAway")


def test_a_cache_entry_older_code_stored_is_recomputed_not_an_error(content, client):
    """Even under this release's own key, an entry that cannot be unpickled is recomputed."""
    global MovedAway
    key = versioned_key("catalogue", 0)
    saved = _store_unreadable(key)
    try:
        local_cache.clear()
        with pytest.raises(AttributeError):
            cache.get(key)  # what every page would have raised
        response = client.get(reverse("guides:guide", args=["professional-qualification", "lost"]))
        assert response.status_code == HTTPStatus.OK
        assert "补办" in response.text
        assert local_cache.get_or_set("nothing-here", lambda: 5, 60) == 5
    finally:
        MovedAway = saved
