"""The Jinja2 environment of the site's pages (reissue_site/jinja2.py)."""

import re
from http import HTTPStatus
from pathlib import Path

import jinja2
import pytest
from django.conf import settings
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.backends.jinja2 import Jinja2
from django.template.loader import get_template
from django.urls import reverse, set_script_prefix

from reissue_site.jinja2 import DJANGO_TEMPLATE_PREFIXES, url

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def site_templates():
    names = (str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))
    return sorted(name for name in names if not name.startswith(DJANGO_TEMPLATE_PREFIXES))


@pytest.mark.parametrize("name", site_templates())
def test_every_site_template_compiles(name):
    assert isinstance(get_template(name).backend, Jinja2)


def test_admin_overrides_stay_django_templates():
    assert isinstance(get_template("admin/base_site.html").backend, DjangoTemplates)
    assert isinstance(get_template("simple_history/object_history_list.html").backend, DjangoTemplates)
    assert isinstance(get_template("bootstrap5/field.html").backend, DjangoTemplates)  # crispy's own


def test_url_depends_on_the_script_prefix():
    """url() is memoised; a site mounted under a prefix must still get its own links."""
    path = url("guides:guide", "skill-certificate", "lost")
    assert path == reverse("guides:guide", args=["skill-certificate", "lost"])
    try:
        set_script_prefix("/zhengshu/")
        assert url("guides:guide", "skill-certificate", "lost") == "/zhengshu" + path
    finally:
        set_script_prefix("/")


def test_the_date_filter_remembers_a_dates_text_per_language():
    from datetime import date

    from django.utils import translation

    template = engines["jinja2"].from_string('{{ day|date("Y年n月j日 F") }}')
    day = date(2026, 12, 6)
    with translation.override("zh-hans"):
        chinese = template.render({"day": day})
    with translation.override("en"):
        english = template.render({"day": day})
    assert chinese == "2026年12月6日 十二月" and english == "2026年12月6日 December"


def production_engine():
    """The site's Jinja2 engine as the production settings configure it (the test settings make it strict)."""
    from reissue_site.settings import base

    config = {key: value for key, value in base.TEMPLATES[0].items() if key != "BACKEND"}
    assert "undefined" not in config["OPTIONS"]
    return Jinja2({**config, "NAME": "jinja2-as-in-production", "OPTIONS": dict(config["OPTIONS"])})


def test_a_missing_variable_renders_as_nothing_in_production():
    template = production_engine().from_string("[{{ nothing }}][{{ nothing.deeper.still }}]")
    assert template.render({}) == "[][]"


def test_a_misspelt_variable_fails_under_the_test_settings():
    """So a typo in a template fails a test rather than quietly rendering nothing."""
    assert engines["jinja2"].env.undefined is jinja2.StrictUndefined
    template = engines["jinja2"].from_string("{{ guide.titel }}{{ guid }}")
    with pytest.raises(jinja2.UndefinedError):
        template.render({"guide": {"title": "专技职业资格证书遗失补办"}})
    with pytest.raises(jinja2.UndefinedError):
        engines["jinja2"].from_string("{% if pag.number %}{% endif %}").render({"page": 1})
    # An optional variable says so, and renders.
    optional = engines["jinja2"].from_string("[{{ note | default('') }}][{% if note is defined %}x{% endif %}]")
    assert optional.render({}) == "[][]"


def test_a_site_template_with_a_misspelt_variable_fails_its_page(client, settings, tmp_path):
    """A real page render, through the site's loader and base template, raises on a typo."""
    (tmp_path / "typo.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ requst.path }}{% endblock %}', encoding="utf-8"
    )
    config = {key: value for key, value in settings.TEMPLATES[0].items() if key != "BACKEND"}
    engine = Jinja2({**config, "NAME": "typo", "DIRS": [tmp_path, *config["DIRS"]], "OPTIONS": dict(config["OPTIONS"])})
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    with pytest.raises(jinja2.UndefinedError, match="requst"):
        engine.get_template("typo.html").render({}, request)


LEAKS = re.compile(r"bound method|object at 0x|\{\{|\{%|Undefined")


@pytest.mark.parametrize(
    "path",
    [
        reverse("guides:home"),
        reverse("guides:certificate", args=["skill-certificate"]),
        reverse("guides:guide", args=["professional-title", "cross-province"]),
        reverse("guides:guide_region", args=["skill-certificate", "lost", "guangdong"]),
        reverse("guides:search") + "?q=证书丢了 外地",
        reverse("guides:search") + "?q=火星",
        reverse("guides:feedback") + "?page=/guides/skill-certificate/lost/&helpful=no",
        reverse("guides:check_start"),
        reverse("guides:check_question", args=["cert"]) + "?asked=cert",
        reverse("guides:check_result") + "?cert=professional-title&reason=lost&identity-unchanged=yes"
        "&issued-in=110000&living-in=440000&urgent=title-review&delivery=mail&date=2026-12-21",
        reverse("guides:check_result") + "?cert=professional-title&reason=changed",
        "/no-such-page/",
    ],
)
def test_pages_show_no_python_objects_or_template_syntax(content, client, path, frozen_today):
    """A method called without () or a DTL-only tag would leak into the page text."""
    response = client.get(path)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND)
    assert not LEAKS.findall(response.text)
