"""Checker pages: the start page, one page per question, and the outcome.

Every page is a GET whose answers are all in the query string (no session, no
cookie). Pages redirect to their canonical URL, re-ask a question whose answer is
missing or bad with an error summary, and are never indexed.
"""

from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from guides import clock
from guides.checker import flow
from guides.checker.outcomes import personal_guide
from guides.checker.questions import YES
from guides.checker.workdays import WorkCalendar
from guides.content.catalogue import get_catalogue
from guides.paths import path

NOINDEX = "noindex, nofollow"


def _noindex(response):
    """Keep a page of someone's answers out of search engines and out of shared caches (a CDN)."""
    response["X-Robots-Tag"] = NOINDEX
    patch_cache_control(response, private=True)
    return response


def _url(name, query, *args):
    url = path(name, *args)
    return f"{url}?{query}" if query else url


def question_url(state, slug, **kwargs):
    return _url("guides:check_question", state.query(**kwargs), slug)


def _next_url(state):
    """Return where the flow goes from here: the question to ask, or the outcome."""
    if state.problem:
        return question_url(state, state.problem.question.slug)
    return _url("guides:check_result", state.query())


def _canonical(request, state, name, *args, wanted=None):
    """Return a redirect when the query is not already canonical (order, unknown parameters).

    `wanted`: `state.query()`, when the caller has it already.
    """
    wanted = state.query() if wanted is None else wanted
    if request.GET.urlencode() != wanted:
        return _noindex(redirect(_url(name, wanted, *args)))
    return None


def _state(request, catalogue=None):
    return flow.run_checker(request.GET, catalogue or get_catalogue(), clock.today())


@require_safe
def start(request):
    # The start page is the checker's front door: indexed, unlike the questions and outcomes.
    first_url = path("guides:check_question", "cert")
    return render(request, "guides/checker/start.html", {"first_url": first_url})


@require_safe
def question(request, slug):
    state = _state(request)
    asked = request.GET.get(flow.ASKED) == slug
    current = state.question(slug)
    if current is None:
        if state.problem and slug in state.order:
            # Jumping ahead past an unanswered question: ask it, and say why.
            return _render_question(request, state, state.problem.question, state.problem, skipped=True)
        # Not a question of this flow: go where the flow is.
        return _noindex(redirect(_next_url(state)))
    is_problem = state.problem is not None and state.problem.question.slug == slug
    if not is_problem:
        if asked:
            return _noindex(redirect(_next_url(state)))
        return _canonical(request, state, "guides:check_question", slug) or _render_question(request, state, current)
    problem = state.problem
    show_error = problem.kind != "missing" or asked
    if not asked and not show_error:
        response = _canonical(request, state, "guides:check_question", slug)
        if response:
            return response
    return _render_question(request, state, current, problem if show_error else None)


@require_safe
def result(request):
    catalogue = get_catalogue()
    state = _state(request, catalogue)
    if state.problem:
        # Asking for the outcome with a question skipped or answered wrongly:
        # re-ask that question here, with the reason.
        return _render_question(request, state, state.problem.question, state.problem, skipped=True)
    query = state.query()  # the canonical query, the share link and every "修改" link: encoded once
    response = _canonical(request, state, "guides:check_result", wanted=query)
    if response:
        return response
    if state.outcome.kind == "identify":
        # The directory finds the certificate by name; its page leads back into the checker.
        return _noindex(redirect(f"{path('guides:directory')}?from=check"))
    context = {
        "state": state,
        "outcome": state.outcome,
        "summary": _summary(state, query),
        "restart_url": path("guides:check_start"),
        "share_url": request.build_absolute_uri(_url("guides:check_result", query)),
        "today": clock.today(),
    }
    if state.outcome.is_guide:
        context["personal"] = personal_guide(state.facts, catalogue, WorkCalendar.from_database())
        return _noindex(render(request, "guides/checker/outcome.html", context))
    if state.outcome.kind == "electronic" and state.outcome.precondition:
        # 查不到电子证书？ Answer "yes, I need paper" and carry on with the flow.
        key = state.outcome.precondition.key
        query = urlencode([*state.params(override=(key, YES)), (flow.ASKED, key)])
        context["paper_anyway_url"] = _url("guides:check_question", query, key)
    context["certificate_type"] = catalogue.certificate_type(state.value("cert"))
    return _noindex(render(request, "guides/checker/stop.html", context))


def _summary(state, query):
    """Return the answers given, each with a link back to its question (`query`: `state.query()`)."""
    return [
        {
            "label": answer.question.summary_label,
            "value": answer.display,
            "change_url": _url("guides:check_question", query, answer.question.slug) + f"#{answer.question.field_id}",
            "slug": answer.question.slug,
        }
        for answer in state.answers
    ]


def _render_question(request, state, current, problem=None, skipped=False):
    message = None
    if problem:
        message = problem.message
        if skipped and problem.kind == "missing":
            message = f"请先回答这个问题。{problem.message}"
    raw = problem.raw if problem else ""
    if not raw:
        answer = state.answer(current.slug)
        raw = answer.raw if answer else ""
    if current.kind == "date" and not raw:
        raw = clock.today().isoformat()
    slugs = [q.slug for q in state.questions()]
    previous = state.questions()[: slugs.index(current.slug)] if current.slug in slugs else state.questions()
    back_url = question_url(state, previous[-1].slug) if previous else path("guides:check_start")
    context = {
        "question": current,
        "error": message,
        "value": raw,
        "hidden": state.params(without=current.slug),
        "action": path("guides:check_question", current.slug),
        "back_url": back_url,
        "restart_url": path("guides:check_start"),
        "asked": flow.ASKED,
        "number": len(previous) + 1,
    }
    return _noindex(render(request, "guides/checker/question.html", context))
