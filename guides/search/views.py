"""The search page."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from guides.search import ranking


@require_GET
def search_page(request):
    """Search the guides; any query, however odd, gets a helpful page."""
    outcome = ranking.search(request.GET.get("q", ""))
    context = {"outcome": outcome, "checker_url": ranking.checker_url()}
    if not outcome.results:
        context["popular"] = ranking.popular_guides()
    return render(request, "guides/search/results.html", context)
