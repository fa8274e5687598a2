"""Sections rendered once per content version and shared by every page showing them
(guides/caching/fragments.py): a page reads the same whichever page rendered its sections."""

import re

import pytest

from guides.caching import fragments
from guides.caching.fragments import Keyed, cached, key_of
from guides.caching.version import bump_content_version
from guides.models import Material


def sitemap_guides(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    return [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+/guides/[^<]+)</loc>", sitemap)]


def render_all(client, urls, *, fresh):
    """Return each URL's HTML; `fresh`: with no section kept from an earlier page."""
    pages = {}
    for url in urls:
        if fresh:
            fragments.clear()
        response = client.get(url + "?compare=1")  # a query string: past the page cache, rendered
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


@pytest.mark.parametrize("who", ["public", "staff"])
def test_every_guide_page_reads_the_same_with_sections_other_pages_rendered(content, client, admin_client, who):
    urls = sitemap_guides(client)
    assert len(urls) > 50
    reader = admin_client if who == "staff" else client  # staff: drafts and their 编辑 links
    fresh = render_all(reader, urls, fresh=True)
    shared = render_all(reader, list(reversed(urls)), fresh=False)
    assert len(fragments._store[1]) < 10 * len(urls)  # shared: far fewer than pages × sections
    for url in urls:
        assert shared[url] == fresh[url], url
    if who == "staff":
        assert any("admin-edit" in html for html in fresh.values())


def test_checker_outcomes_read_the_same_with_sections_other_outcomes_rendered(content, client, every_checker_path):
    # every_checker_path fetched every path in one go, each outcome's sections shared with the others.
    outcomes = [visit for visit in every_checker_path if visit.status_code == 200 and 'id="dates"' in visit.html]
    assert len(outcomes) > 50
    for visit in outcomes[::3]:
        fragments.clear()
        assert client.get(visit.final_url).content.decode() == visit.html, visit.final_url


def test_an_edit_shows_at_once_in_every_page_sharing_the_section(content, client):
    url = "/guides/skill-certificate/lost/"
    other = "/guides/skill-certificate/damaged/"
    material = Material.objects.filter(is_published=True, name__contains="身份证").first()
    assert material.name in client.get(url).content.decode()
    assert material.name in client.get(other).content.decode()
    material.name = "本人有效身份证件（改过的名称）"
    material.save()
    assert "改过的名称" in client.get(url).content.decode()
    assert "改过的名称" in client.get(other).content.decode()


class Macro:
    """Stands in for a Jinja macro: counts its renders."""

    def __init__(self):
        self.calls = 0

    def __call__(self, *args):
        self.calls += 1
        return f"<p>{len(args)}</p>"


def test_equal_arguments_render_once_per_content_version(db):
    macro = Macro()
    first, second = Material(pk=1, name="a"), Material(pk=1, name="b")
    assert cached(macro, [first], ("x",)) == cached(macro, (second,), ["x"]) == "<p>2</p>"
    assert macro.calls == 1  # the same row, the same arguments: a row's fields change only with the version
    cached(macro, [Material(pk=2)], ("x",))
    assert macro.calls == 2
    bump_content_version()
    cached(macro, [first], ("x",))
    assert macro.calls == 3


def test_an_argument_that_cannot_be_a_key_fails_loudly(db):
    with pytest.raises(TypeError, match="unhashable"):
        cached(Macro(), {"a": 1})


def test_keyed_arguments_work_out_their_key_once():
    rows = Keyed([(Material(pk=3), None), (Material(pk=4), ((("badge", "草稿"),), None, ""))])
    assert key_of(rows) == ((((Material, 3), None)), ((Material, 4), ((("badge", "草稿"),), None, "")))
    assert key_of([rows, 1]) == (rows.fragment_key, 1)


def test_the_store_is_bounded(db, monkeypatch):
    monkeypatch.setattr(fragments, "MAX_ENTRIES", 3)
    macro = Macro()
    for n in range(7):
        cached(macro, n)
    assert len(fragments._store[1]) <= 3
