"""Citizen-facing guide pages: home, certificate overview and per-situation guides."""

from urllib.parse import urlencode

from crispy_forms.utils import render_crispy_form
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import feedback, local_cache, search
from .catalogue import get_catalogue
from .content_version import get_content_version
from .fees import estimate_fees
from .forms import FeedbackForm, RegionPickerForm
from .guide_cache import cached_guide
from .preview import mark_private, preview_for
from .selectors import GuideRequest


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
    breadcrumbs = [("首页", reverse("guides:home")), (certificate_type.name, None)]
    context = {
        "catalogue": catalogue,
        "certificate_type": certificate_type,
        "breadcrumbs": breadcrumbs,
        "preview": preview,
    }
    return mark_private(request, render(request, "guides/certificate.html", context))


def guide(request, cert, situation, region=None):
    # Staff see drafts and may preview a date (?on=YYYY-MM-DD); see guides/preview.py.
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

    national_url = reverse("guides:guide", args=[cert, situation])
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
        ("首页", reverse("guides:home")),
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
            "fee_estimate": estimate_fees(guide.fees),
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


@require_GET
def search_page(request):
    """Search the guides; any query, however odd, gets a helpful page."""
    outcome = search.search(request.GET.get("q", ""))
    context = {"outcome": outcome, "checker_url": search.checker_url()}
    if not outcome.results:
        context["popular"] = search.popular_guides()
    return render(request, "guides/search/results.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_page(request):
    """The small page with the CSRF-protected feedback form (the cached guide page links here)."""
    if request.method == "POST":
        wait = feedback.over_rate_limit(request)
        if wait:
            response = render(request, "guides/feedback/limited.html", {"minutes": -(-wait // 60)}, status=429)
            response["Retry-After"] = str(wait)
            return response
        form = FeedbackForm(request.POST, action=reverse("guides:feedback"))
        if form.is_valid():
            data = form.cleaned_data
            page = data["page"]
            if not form.is_spam:
                helpful = {"yes": True, "no": False}.get(data["helpful"])
                feedback.record(page, helpful=helpful, problem=data["problem"], contact=data["contact"].strip())
            thanks = {"page": page.url, "helpful": data["helpful"], "reported": "1" if data["problem"] else ""}
            return redirect(f"{reverse('guides:feedback_thanks')}?{urlencode(thanks)}")
        page = feedback.page_for(request.POST.get("page", ""))
        return render(request, "guides/feedback/form.html", {"form": form, "page": page})

    page = feedback.page_for(request.GET.get("page", ""))
    if page is None:
        return render(request, "guides/feedback/unknown_page.html", status=400)
    helpful = request.GET.get("helpful")
    form = FeedbackForm(
        initial={"page": page.url, "helpful": helpful if helpful in {"yes", "no"} else None},
        action=reverse("guides:feedback"),
    )
    return render(
        request,
        "guides/feedback/form.html",
        {"form": form, "page": page, "reporting": "report" in request.GET, "chosen": helpful},
    )


@require_GET
def feedback_thanks(request):
    """Thank the reader; show nothing of what they wrote."""
    page = feedback.page_for(request.GET.get("page", ""))
    return render(
        request,
        "guides/feedback/thanks.html",
        {"page": page, "said_no": request.GET.get("helpful") == "no", "reported": bool(request.GET.get("reported"))},
    )


def region_picker(catalogue, action, region, include_drafts=False):
    """Return the crispy-rendered region picker, rendered once per content version and page.

    It is the same for every visitor of a page, and crispy renders each of its 32
    options through a template (about 1.4 ms a page, measured with make bench).
    """
    key = f"picker:{get_content_version()}:{int(include_drafts)}:{action}:{region.slug if region else ''}"

    def render():
        form = RegionPickerForm(
            initial={"region": region.slug if region else ""}, regions=catalogue.regions, action=action
        )
        return render_crispy_form(form)

    return local_cache.get_or_set(key, render, timeout=60 * 60 * 24)
