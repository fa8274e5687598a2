"""Citizen-facing guide pages: home, certificate overview and per-situation guides."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .catalogue import get_catalogue
from .fees import estimate_fees
from .forms import RegionPickerForm
from .guide_cache import cached_guide
from .selectors import GuideRequest


def home(request):
    catalogue = get_catalogue()
    return render(request, "guides/home.html", {"catalogue": catalogue})


def certificate(request, cert):
    catalogue = get_catalogue()
    certificate_type = catalogue.certificate_type(cert)
    if certificate_type is None:
        raise Http404("没有这种证书类型")
    breadcrumbs = [("首页", reverse("guides:home")), (certificate_type.name, None)]
    return render(
        request,
        "guides/certificate.html",
        {"catalogue": catalogue, "certificate_type": certificate_type, "breadcrumbs": breadcrumbs},
    )


def guide(request, cert, situation, region=None):
    catalogue = get_catalogue()
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
            on=timezone.localdate(),
        ),
        all_reasons=catalogue.reasons,
    )
    picker = RegionPickerForm(
        initial={"region": region_obj.slug if region_obj else ""},
        regions=catalogue.regions,
        action=national_url,
    )
    page_title = f"{certificate_type.short_name}{chosen.title}"
    if region_obj:
        page_title += f"（{region_obj.name}）"
    breadcrumbs = [
        ("首页", reverse("guides:home")),
        (certificate_type.name, certificate_type.get_absolute_url()),
        (chosen.title, national_url if region_obj else None),
    ]
    if region_obj:
        breadcrumbs.append((region_obj.name, None))
    return render(
        request,
        "guides/guide.html",
        {
            "page_title": page_title,
            "breadcrumbs": breadcrumbs,
            "fee_estimate": estimate_fees(guide.fees),
            "catalogue": catalogue,
            "certificate_type": certificate_type,
            "situation": chosen,
            "region": region_obj,
            "guide": guide,
            "picker": picker,
            "other_situations": [s for s in catalogue.situations if s != chosen],
            "other_certificate_types": [c for c in catalogue.certificate_types if c != certificate_type],
        },
    )
