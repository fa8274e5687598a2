"""Pages stored by old code are not served after a template or code change (development, no manifest)."""

import os

from guides.caching import page_cache


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
