"""The feedback form page and its thank-you page.

Guide pages are cached whole for everyone, so they carry no form with a CSRF
token: their yes/no buttons are a plain GET form that leads to the small feedback
page, which carries the CSRF-protected POST form.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from guides.feedback.forms import FeedbackForm
from guides.feedback.pages import page_for
from guides.feedback.rate_limit import over_rate_limit
from guides.feedback.services import record


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_page(request):
    """The small page with the CSRF-protected feedback form (the cached guide page links here)."""
    # "页面有误？" (?report=1) stays the page's heading when a submission comes back with an error.
    reporting = "report" in request.GET
    action = reverse("guides:feedback") + ("?report=1" if reporting else "")
    if request.method == "POST":
        wait = over_rate_limit(request)
        if wait:
            response = render(request, "guides/feedback/limited.html", {"minutes": -(-wait // 60)}, status=429)
            response["Retry-After"] = str(wait)
            return response
        form = FeedbackForm(request.POST, action=action)
        if form.is_valid():
            data = form.cleaned_data
            page = data["page"]
            if not form.is_spam:
                helpful = {"yes": True, "no": False}.get(data["helpful"])
                record(page, helpful=helpful, problem=data["problem"], contact=data["contact"].strip())
            thanks = {"page": page.url, "helpful": data["helpful"], "reported": "1" if data["problem"] else ""}
            return redirect(f"{reverse('guides:feedback_thanks')}?{urlencode(thanks)}")
        page = page_for(request.POST.get("page", ""))
        return render(request, "guides/feedback/form.html", {"form": form, "page": page, "reporting": reporting})

    page = page_for(request.GET.get("page", ""))
    if page is None:
        return render(request, "guides/feedback/unknown_page.html", status=400)
    helpful = request.GET.get("helpful")
    form = FeedbackForm(
        initial={"page": page.url, "helpful": helpful if helpful in {"yes", "no"} else None},
        action=action,
    )
    return render(
        request,
        "guides/feedback/form.html",
        {"form": form, "page": page, "reporting": reporting, "chosen": helpful},
    )


@require_GET
def feedback_thanks(request):
    """Thank the reader; show nothing of what they wrote."""
    page = page_for(request.GET.get("page", ""))
    return render(
        request,
        "guides/feedback/thanks.html",
        {"page": page, "said_no": request.GET.get("helpful") == "no", "reported": bool(request.GET.get("reported"))},
    )
