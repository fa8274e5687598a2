"""The certificate directory: every certificate by the name people know, and one page per entry."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from guides.content.catalogue import get_catalogue
from guides.content.preview import mark_private, preview_for
from guides.directory.lookup import get_directory
from guides.models import DirectoryEntry


def index(request):
    preview = preview_for(request)
    directory = get_directory(include_drafts=preview.include_drafts)
    breadcrumbs = [("首页", reverse("guides:home")), ("证书目录", None)]
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    dept = request.GET.get("dept", "")
    problem = ""
    if kind and kind not in DirectoryEntry.Kind.values:
        problem, kind = "没有这个类别，下面列出全部类别。", ""
    if dept and dept not in DirectoryEntry.Department.values:
        problem, dept = "没有这个发证系统，下面列出全部部门。", ""
    context = {
        "directory": directory,
        "shown": directory.filter(q, kind, dept),
        "filtered": bool(q or kind or dept),
        "q": q,
        "kind": kind,
        "dept": dept,
        "kinds": [(k, label) for k, label, _ in directory.by_kind()],
        "departments": directory.departments(),
        "problem": problem,
        "breadcrumbs": breadcrumbs,
        "preview": preview,
    }
    return mark_private(request, render(request, "guides/directory/index.html", context))


def entry(request, slug):
    preview = preview_for(request)
    directory = get_directory(include_drafts=preview.include_drafts)
    found = directory.entry(slug)
    if found is None:
        raise Http404("证书目录里没有这一条")
    catalogue = get_catalogue(include_drafts=preview.include_drafts)
    breadcrumbs = [("首页", reverse("guides:home")), ("证书目录", reverse("guides:directory")), (found.name, None)]
    context = {"entry": found, "catalogue": catalogue, "breadcrumbs": breadcrumbs, "preview": preview}
    return mark_private(request, render(request, "guides/directory/entry.html", context))
