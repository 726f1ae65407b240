"""The exercise page: read the prompt, write, submit, read the feedback.

The same URL serves the whole page (GET, and POST without JavaScript) or,
for htmx, only the feedback panel.
"""

from __future__ import annotations

import hashlib
import json
import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.http import require_http_methods, require_POST

from course.content.store import get_course
from course.operations.clients import client_address
from course.operations.page_cache import cached_page, learner_page
from course.operations.ratelimit import rate_limit_hit
from course.progress.learners import learner_of
from course.progress.selectors import attempt_for
from course.sandbox.pool import Busy

from .grading import MAX_SNIPPET_BYTES
from .selectors import HINT_AFTER_FAILURES, SOLUTION_AFTER_FAILURES, Progress, progress_for
from .services import draft_keep, solution_reveal, storable, submission_grade

TEMPLATE = "exercises/exercise_detail.html"
PRACTICE_RULES = {"hint_after": HINT_AFTER_FAILURES, "solution_after": SOLUTION_AFTER_FAILURES}


def _exercise_or_404(slug: str):
    course = get_course()
    exercise = course.exercise(slug)
    if exercise is None:
        renamed = course.exercise_for_alias(slug)
        if renamed is not None:
            return course, None, HttpResponsePermanentRedirect(renamed.url)
        raise Http404(f"No exercise with the slug “{slug}”.")
    return course, exercise, None


@require_http_methods(["GET", "HEAD", "POST"])
@cached_page  # a new visitor's GET (no session, no query string): rendered once per course version
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course, exercise, redirect = _exercise_or_404(slug)
    if redirect:
        return redirect
    context = {"course": course, "exercise": exercise, "module": course.module(exercise.module),
               "next_exercise": course.exercise_after(exercise), "rules": PRACTICE_RULES}
    if request.method != "POST":
        progress = progress_for(learner=learner_of(request), exercise=exercise)
        snippet = progress.snippet if progress.snippet is not None else exercise.starter.text
        grade = progress.grade
        if "attempt" in request.GET:
            # Open an old attempt in the editor: only one of this learner's own (404 otherwise).
            old = attempt_for(learner=learner_of(request), attempt_id=_int(request.GET["attempt"])) if _int(request.GET["attempt"]) else None
            if old is None or old.exercise != exercise.slug:
                raise Http404("No such attempt of yours.")
            snippet, grade = old.snippet, old.grade
        page = {**context, "progress": progress, "grade": grade, "snippet": snippet}
        return learner_page(request, TEMPLATE, page, state=_shown(progress, grade, snippet))
    snippet = request.POST.get("snippet")
    if snippet is None:
        return _refuse(request, context, "", 400, "The form arrived without a snippet. Please write your answer and submit again.")
    snippet = snippet.replace("\r\n", "\n")
    size = len(snippet.encode("utf-8", "surrogatepass"))
    if size > MAX_SNIPPET_BYTES:
        draft_keep(learner=learner_of(request), exercise=exercise, snippet=snippet)
        return _refuse(request, context, snippet, 413,
                       f"Your answer is {size:,} bytes; answers are limited to {MAX_SNIPPET_BYTES:,} bytes (64 KiB). "
                       "It is still in the editor: shorten it and submit again.")
    owner = learner_of(request).limit_key()
    limit = rate_limit_hit(key=f"submit:{owner}", limit=settings.SUBMISSIONS_PER_MINUTE, window=60)
    message = f"That is more than {settings.SUBMISSIONS_PER_MINUTE} submissions in a minute."
    if limit.allowed and not request.user.is_authenticated:
        # An anonymous learner is a session, and a session is one cookie away: count the address too.
        per_address = settings.SUBMISSIONS_PER_MINUTE_PER_ADDRESS
        limit = rate_limit_hit(key=f"submit-address:{client_address(request)}", limit=per_address, window=60)
        message = (f"More than {per_address} answers a minute came from your network without an account. Log in to get "
                   "your own allowance.")
    if not limit.allowed:
        draft_keep(learner=learner_of(request), exercise=exercise, snippet=snippet)
        response = _refuse(request, context, snippet, 429,
                           f"{message} Your answer is kept; "
                           f"try again in {limit.retry_after} second{'s' if limit.retry_after != 1 else ''}.")
        response["Retry-After"] = str(limit.retry_after)
        return response
    try:
        grade, progress = submission_grade(learner=learner_of(request), exercise=exercise, snippet=snippet)
    except Busy as exc:
        draft_keep(learner=learner_of(request), exercise=exercise, snippet=snippet)
        response = _refuse(request, context, snippet, 503,
                           f"Every Python sandbox is busy right now. Your answer is kept; try again in {exc.retry_after} seconds.")
        response["Retry-After"] = str(exc.retry_after)
        return response
    template = f"{TEMPLATE}#feedback" if request.htmx else TEMPLATE
    return render(request, template, {**context, "progress": progress, "grade": progress.grade, "snippet": progress.snippet,
                                      "just_graded": True})


def _shown(progress: Progress, grade: dict | None, snippet: str) -> tuple:
    """What the page shows of this learner (learner_page's state): their counts, answer and its feedback."""
    digest = hashlib.sha256(snippet.encode("utf-8", "surrogatepass"))
    digest.update(json.dumps(grade, sort_keys=True, default=str).encode())
    return (progress.attempts, progress.failures, progress.passed, progress.revealed, digest.hexdigest())


def _int(value: str) -> int | None:
    return int(value) if re.fullmatch(r"[0-9]{1,11}", value) else None  # ASCII digits only: int("²") raises


def _refuse(request, context, snippet: str, status: int, message: str) -> HttpResponse:
    progress = progress_for(learner=learner_of(request), exercise=context["exercise"])
    template = f"{TEMPLATE}#feedback" if request.htmx else TEMPLATE
    return render(request, template, {**context, "progress": progress, "grade": None, "snippet": storable(snippet),
                                      "refusal": message}, status=status)


@require_POST
def solution_show(request: HttpRequest, slug: str) -> HttpResponse:
    course, exercise, redirect = _exercise_or_404(slug)
    if redirect:
        return redirect
    if request.POST.get("confirm") != "yes":
        progress = progress_for(learner=learner_of(request), exercise=exercise)
        return render(request, TEMPLATE, {"course": course, "exercise": exercise, "module": course.module(exercise.module),
                                          "progress": progress, "grade": progress.grade, "snippet": progress.snippet or exercise.starter.text,
                                          "refusal": "Tick the box to confirm you want to see the reference solution."}, status=400)
    progress = solution_reveal(learner=learner_of(request), exercise=exercise)
    if not progress.sees_solution:
        return render(request, TEMPLATE, {"course": course, "exercise": exercise, "module": course.module(exercise.module),
                                          "progress": progress, "grade": progress.grade, "snippet": progress.snippet or exercise.starter.text,
                                          "refusal": "The reference solution opens after you pass, or after five attempts."}, status=403)
    return HttpResponseRedirect(reverse("exercises:detail", args=[exercise.slug]) + "#solution", status=303)


def kept_answer(request: HttpRequest, *, reason: str, retry_after: int | None = None) -> HttpResponse | None:
    """The exercise page with the answer kept, for a submission operations refused before the view ran.

    Registered with course.operations.hooks; None for any other request.
    """
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if request.method != "POST" or match.view_name != "exercises:detail" or "snippet" not in request.POST:
        return None
    slug, snippet = match.kwargs["slug"], request.POST["snippet"]
    if reason == "csrf":
        return refusal_page(request, slug, snippet, 403, "This page's security token had expired, so your answer was "
                            "not checked. It is still in the editor: submit it again.")
    if learner_of(request).attempts_recorded:  # the database went away after the attempt was written
        message = ("Your answer was checked and saved, but the site's database stopped answering before the "
                   f"feedback could be shown. Reload the page in {retry_after} seconds to read it.")
    else:
        message = ("The site's database is not answering, so your answer was neither checked nor saved. "
                   f"It is still in the editor: submit it again in {retry_after} seconds.")
    return _unsaved_page(request, slug, snippet, 503, message)


def _unsaved_page(request: HttpRequest, slug: str, snippet: str, status: int, message: str) -> HttpResponse:
    """The exercise page with `snippet` in the editor and `message`, built without the database (it is down)."""
    course, exercise, redirect = _exercise_or_404(slug)
    if redirect:
        return redirect
    template = f"{TEMPLATE}#feedback" if request.htmx else TEMPLATE
    return render(request, template, {"course": course, "exercise": exercise, "module": course.module(exercise.module),
                                      "progress": Progress(), "grade": None,
                                      "snippet": storable(snippet.replace("\r\n", "\n")), "refusal": message},
                  status=status)


def refusal_page(request: HttpRequest, slug: str, snippet: str, status: int, message: str) -> HttpResponse:
    """The exercise page with `snippet` kept in the editor and `message` explaining why it was not graded."""
    course, exercise, redirect = _exercise_or_404(slug)
    if redirect:
        return redirect
    context = {"course": course, "exercise": exercise, "module": course.module(exercise.module),
               "next_exercise": course.exercise_after(exercise), "rules": PRACTICE_RULES}
    return _refuse(request, context, snippet.replace("\r\n", "\n"), status, message)
