"""Reading pages: thin views over the in-memory course.

GET and HEAD only (`require_safe`): RFC 9110 expects HEAD wherever GET works. A new visitor's
reading page is rendered once per course version (`cached_page`, course/operations/page_cache.py).
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from course.content.store import get_course
from course.exercises.selectors import example_feedback, exercise_rows
from course.operations.page_cache import cached_page, learner_page
from course.progress.learners import learner_of
from course.progress.selectors import course_progress

from .search import MAX_QUERY, index_for


def _module_progress(modules) -> dict[str, tuple[int, int]]:
    """Passed and total exercises per module slug, from course_progress's rows."""
    return {item.module.slug: (item.passed, item.total) for item in modules}


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    course = get_course()
    modules, stages, _ = course_progress(learner=learner_of(request), course=course)
    return render(request, "catalogue/home.html", {"course": course, "page": course.pages.get("home"),
                                                   "module_progress": _module_progress(modules), "stage_progress": stages,
                                                   "example": example_feedback(course=course)})


@require_safe
@cached_page
def module_list(request: HttpRequest) -> HttpResponse:
    course = get_course()
    modules, _, _ = course_progress(learner=learner_of(request), course=course)
    return render(request, "catalogue/module_list.html", {"course": course, "module_progress": _module_progress(modules)})


@require_safe
@cached_page
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_course()
    module = course.module(slug)
    if module is None:
        renamed = course.module_for_alias(slug)
        if renamed is not None:
            return HttpResponsePermanentRedirect(renamed.url)
        raise Http404(f"No module with the slug “{slug}”.")
    previous, following = course.neighbours(module)
    exercises, module_read = exercise_rows(learner=learner_of(request), exercises=course.exercises_for_module(module.slug),
                                           read_module=module.slug)
    # What the page shows of this learner: the sections they marked read, each exercise passed or tried how often.
    state = (frozenset(module_read), tuple((exercise.slug, progress.passed, progress.attempts) for exercise, progress in exercises))
    return learner_page(
        request,
        "catalogue/module_detail.html",
        {
            "course": course,
            "module": module,
            "previous": previous,
            "next": following,
            "faq_entries": course.faq_for_module(module.slug),
            "exercises": exercises,
            "module_read": module_read,
            "stages": course.stages_for_module(module.slug),
        },
        state=state,
    )


@require_safe
@cached_page
def faq(request: HttpRequest) -> HttpResponse:
    course = get_course()
    modules = {module.slug: module for module in course.modules}
    entries = [(entry, modules.get(entry.module)) for entry in course.faq]
    return render(request, "catalogue/faq.html", {"course": course, "page": course.pages.get("faq"), "entries": entries})


@require_safe
@cached_page
def roadmap(request: HttpRequest) -> HttpResponse:
    course = get_course()
    stages = [
        (
            stage,
            [course.module(slug) for slug in stage.modules if course.module(slug)],
            [exercise for slug in stage.modules for exercise in course.exercises_for_module(slug)],
        )
        for stage in course.stages
    ]
    _, progress, _ = course_progress(learner=learner_of(request), course=course)
    return render(request, "catalogue/roadmap.html", {"course": course, "page": course.pages.get("roadmap"),
                                                      "stages": [(*row, item) for row, item in zip(stages, progress)],
                                                      "stage_progress": progress})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search the course; htmx asks for the results fragment only, as the learner types."""
    query = request.GET.get("q", "")[:MAX_QUERY]
    hits = index_for(get_course()).search(query) if query.strip() else []
    template = "catalogue/search.html#results" if request.htmx else "catalogue/search.html"
    return render(request, template, {"query": query, "hits": hits})
