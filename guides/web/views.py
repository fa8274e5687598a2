"""Citizen-facing guide pages: home, certificate overview and per-situation guides."""

from crispy_forms.utils import render_crispy_form
from django.http import Http404
from django.shortcuts import redirect, render

from guides.caching.versioned import versioned
from guides.content.catalogue import get_catalogue
from guides.content.fees import estimate_for
from guides.content.guide_cache import cached_guide
from guides.content.preview import mark_private, preview_for
from guides.content.selectors import GuideRequest
from guides.paths import path
from guides.web.forms import RegionPickerForm


def home(request):
    preview = preview_for(request)
    catalogue = get_catalogue(include_drafts=preview.include_drafts)
    return mark_private(request, render(request, "guides/home.html", {"catalogue": catalogue, "preview": preview}))


def certificate(request, cert):
    preview = preview_for(request)
    catalogue = get_catalogue(include_drafts=preview.include_drafts)
    certificate_type = catalogue.certificate_type(cert)
    if certificate_type is None:
        raise Http404("没有这种证书类型")
    breadcrumbs = [("首页", path("guides:home")), (certificate_type.name, None)]
    context = {
        "catalogue": catalogue,
        "certificate_type": certificate_type,
        "breadcrumbs": breadcrumbs,
        "preview": preview,
    }
    return mark_private(request, render(request, "guides/certificate.html", context))


def guide(request, cert, situation, region=None):
    # Staff see drafts and may preview a date (?on=YYYY-MM-DD); see guides/content/preview.py.
    preview = preview_for(request)
    catalogue = get_catalogue(include_drafts=preview.include_drafts)
    certificate_type = catalogue.certificate_type(cert)
    chosen = catalogue.situation(situation)
    if certificate_type is None or chosen is None:
        raise Http404("没有这份指南")
    region_obj = None
    if region is not None:
        region_obj = catalogue.region(region)
        if region_obj is None:
            raise Http404("没有这个地区")

    national_url = path("guides:guide", cert, situation)
    picked = request.GET.get("region")
    if picked is not None:
        # The region picker is a GET form, so it works without JavaScript.
        target = catalogue.region(picked)
        if target is not None:
            return redirect("guides:guide_region", cert, situation, target.slug)
        if picked == "":
            return redirect(national_url)

    guide = cached_guide(
        GuideRequest(
            certificate_type=certificate_type,
            situations=frozenset([chosen]),
            region=region_obj,
            on=preview.on,
            include_drafts=preview.include_drafts,
        ),
        all_reasons=catalogue.reasons,
    )
    picker = region_picker(catalogue, national_url, region_obj, preview.include_drafts)
    page_title = f"{certificate_type.short_name}{chosen.title}"
    # A province page earns its own title, canonical link and sitemap entry once an
    # item of the province's own is published; until then it is the national text.
    national_text = region_obj is not None and not guide.has_own_region_items
    if region_obj and not national_text:
        page_title += f"（{region_obj.name}）"
    breadcrumbs = [
        ("首页", path("guides:home")),
        (certificate_type.name, certificate_type.get_absolute_url()),
        (chosen.title, national_url if region_obj else None),
    ]
    if region_obj:
        breadcrumbs.append((region_obj.name, None))
    response = render(
        request,
        "guides/guide.html",
        {
            "preview": preview,
            "page_title": page_title,
            "breadcrumbs": breadcrumbs,
            "fee_estimate": estimate_for(guide),
            "catalogue": catalogue,
            "certificate_type": certificate_type,
            "situation": chosen,
            "region": region_obj,
            "national_text": national_text,
            "canonical_path": national_url if national_text else None,
            "guide": guide,
            "picker": picker,
            "other_situations": [s for s in catalogue.situations if s != chosen],
            "other_certificate_types": [c for c in catalogue.certificate_types if c != certificate_type],
        },
    )
    return mark_private(request, response)


def region_picker(catalogue, action, region, include_drafts=False):
    """Return the crispy-rendered region picker, rendered once per content version and page.

    It is the same for every visitor of a page, and crispy renders each of its 32
    options through a template (about 1.4 ms a page, measured with make bench).
    """

    def render():
        form = RegionPickerForm(
            initial={"region": region.slug if region else ""}, regions=catalogue.regions, action=action
        )
        return render_crispy_form(form)

    return versioned("picker", int(include_drafts), action, region.slug if region else "", build=render)
