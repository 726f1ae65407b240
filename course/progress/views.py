"""The learner's own pages: dashboard, attempt history, resets, export. Everything is scoped to them."""

from __future__ import annotations

import json
import time

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_http_methods, require_safe

from course.content.store import get_course
from course.operations.page_cache import learner_page

from . import selectors, services
from .learners import learner_of

SCOPES = {"exercise": "this exercise", "module": "this module", "all": "everything"}


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    course = get_course()
    learner = learner_of(request)
    # Kept while the learner's rows stay as they are (one small query says so) and within the minute: recent
    # activity reads "N minutes ago", so a kept dashboard is at most a minute behind on that text alone.
    state = (selectors.progress_stamp(learner=learner), int(time.time() // 60))
    return learner_page(request, "progress/dashboard.html",
                        lambda: {"course": course, **selectors.dashboard_for(learner=learner, course=course)}, state=state)


@require_safe
def history(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_course()
    exercise = course.exercise(slug)
    if exercise is None:
        raise Http404(f"No exercise with the slug “{slug}”.")
    entries = selectors.history_for(learner=learner_of(request), exercise_slug=slug)
    attempts = [entry.attempt for entry in entries]
    passed = [attempt.created_at for attempt in attempts if attempt.status == "passed"]
    return render(request, "progress/history.html", {
        "exercise": exercise, "entries": entries, "module": course.module(exercise.module),
        "best": max((attempt.score for attempt in attempts), default=None), "first_passed": min(passed, default=None),
    })


@require_POST
def module_read(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark one section (?section=<anchor>) or every section (?section=all) of a module as read."""
    course = get_course()
    module = course.module(slug)
    if module is None:
        raise Http404(f"No module with the slug “{slug}”.")
    sections = selectors.module_sections(module)
    wanted = request.POST.get("section", "")
    chosen = sections if wanted == "all" else [wanted] if wanted in sections else None
    if chosen is None:
        return render(request, "progress/reset.html", {"error": "That section is not part of this module."}, status=400)
    services.section_mark_read(learner=learner_of(request), module_slug=slug, sections=chosen)
    return HttpResponseRedirect(module.url + ("#progress" if wanted == "all" else f"#{wanted}"), status=303)


@require_http_methods(["GET", "HEAD", "POST"])
def reset(request: HttpRequest) -> HttpResponse:
    course = get_course()
    data = request.POST if request.method == "POST" else request.GET
    scope, target = data.get("scope", ""), data.get("target", "")
    if scope not in SCOPES or (scope == "exercise" and not course.exercise(target)) or (scope == "module" and not course.module(target)):
        return render(request, "progress/reset.html", {"error": "Choose what to reset: an exercise, a module, or everything."}, status=400)
    label = {"exercise": lambda: course.exercise(target).title, "module": lambda: course.module(target).title,
             "all": lambda: "all your progress"}[scope]()
    if request.method == "POST":
        if data.get("confirm") != "yes":
            return render(request, "progress/reset.html", {"scope": scope, "target": target, "label": label,
                                                           "error": "Tick the box to confirm."}, status=400)
        removed = services.progress_reset(learner=learner_of(request), course=course, scope=scope, target=target)
        from django.contrib import messages

        messages.success(request, f"Reset {label}: {removed} attempt{'s' if removed != 1 else ''} removed.")
        return HttpResponseRedirect(reverse("progress:dashboard"), status=303)
    return render(request, "progress/reset.html", {"scope": scope, "target": target, "label": label})


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    account = request.user if request.user.is_authenticated else None
    body = json.dumps(selectors.export_for(learner=learner_of(request), account=account), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="api-architect-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response
