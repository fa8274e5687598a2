"""The Jinja2 environment for the site's own pages (everything under templates/ but admin).

The citizen pages render with Jinja2 because it compiles a template to Python code:
a guide page renders several times faster than with the Django template language,
which matters on every page-cache miss (make bench). The Django admin and
its overrides in templates/admin/ stay on the Django template language, as do the
form templates of crispy-forms (called through `crispy()` below).

The globals and filters here are the Jinja spelling of the Django tags and filters
the templates used: `url()`, `static()`, `|date`, `|linebreaks`, `|truncatechars`.
"""

import datetime
import functools

import jinja2
from crispy_forms.utils import render_crispy_form
from django.template import defaultfilters
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from guides.caching.fragments import cached
from guides.content.formatting import (
    fee_amount,
    fee_basis,
    fee_note,
    labelled,
    labelled_steps,
    provenance,
    source_mark_of,
    yuan_range,
)
from guides.content.preview import page_rows
from guides.paths import path
from guides.web import seo

# Templates of Django-template apps that live beside ours in templates/: the Django
# template engine (listed after this one) renders them.
DJANGO_TEMPLATE_PREFIXES = ("admin/", "simple_history/")


class SiteLoader(jinja2.FileSystemLoader):
    """Load templates/ except the Django-template overrides of other apps."""

    def get_source(self, environment, template):
        if template.startswith(DJANGO_TEMPLATE_PREFIXES):
            raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)


def url(name, *args):
    """Return the path of the named URL (the `{% url %}` tag)."""
    return path(name, *args)


def date(value, arg=None):
    """Format a date (Django's `|date`); a plain date's text is remembered per format and language.

    Formatting one costs about as much as reversing a URL, and a checker outcome shows a
    dozen, mostly the same few.
    """
    if type(value) is datetime.date:
        return _date_text(value, arg, get_language())
    return defaultfilters.date(value, arg)


@functools.lru_cache(maxsize=1024)
def _date_text(value, arg, language):
    return defaultfilters.date(value, arg)


@functools.lru_cache(maxsize=256)
def static_url(name):
    """Return the URL of a static file (the `{% static %}` tag); hashed names are fixed per deployment."""
    return static(name)


@jinja2.pass_context
def canonical_url(context):
    """Return this page's absolute URL without its query string, or that of the page it defers to.

    A view sets `canonical_path` when the page repeats another one's content (a
    province page with nothing of the province's own points at the national page).
    """
    request = context.get("request")
    return request.build_absolute_uri(context.get("canonical_path") or request.path) if request else ""


@jinja2.pass_context
def crispy(context, form):
    """Render `form` with crispy-forms (Django templates), with this request's CSRF token."""
    return mark_safe(render_crispy_form(form, context={"csrf_token": context.get("csrf_token")}))


@jinja2.pass_context
def guide_structured_data(context):
    """Return the guide page's HowTo and FAQPage JSON-LD, as JSON texts (worked out once per guide, page and day)."""
    guide, page_title, url = context["guide"], context["page_title"], canonical_url(context)

    def build():
        objects = seo.guide_json_ld(
            guide=guide,
            fee_estimate=context.get("fee_estimate"),
            page_title=page_title,
            description=f"{page_title}：能否补办、申请材料、办理步骤、办理时限和费用。",
            url=url,
        )
        return [seo.json_ld(data) for data in objects]

    return guide.per_day(("json-ld", url, page_title), build)


def environment(**options):
    options["loader"] = SiteLoader(options["loader"].searchpath)
    # Like the Django template language: a missing variable or attribute renders as
    # nothing instead of failing the page. The test settings pass StrictUndefined, so
    # there a misspelt variable fails the test instead.
    # (Django's backend always passes one, its own default; only StrictUndefined is kept.)
    if options.get("undefined") is not jinja2.StrictUndefined:
        options["undefined"] = jinja2.ChainableUndefined
    env = jinja2.Environment(**options)
    env.globals.update(
        url=url,
        static=static_url,
        canonical_url=canonical_url,
        crispy=crispy,
        guide_structured_data=guide_structured_data,
        labelled=labelled,
        labelled_steps=labelled_steps,
        cached=cached,
        provenance=provenance,
        source_mark_of=source_mark_of,
        page_rows=page_rows,
        fee_amount=fee_amount,
        fee_basis=fee_basis,
        fee_note=fee_note,
        yuan_range=yuan_range,
    )
    # Django's own filters (they escape, and mark their HTML safe, as in Django templates).
    env.filters.update(
        date=date,
        linebreaks=defaultfilters.linebreaks_filter,
        linebreaksbr=defaultfilters.linebreaksbr,
        truncatechars=defaultfilters.truncatechars,
    )
    return env
