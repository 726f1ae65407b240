"""Reading the course: modules, FAQ, roadmap stages, exercises. Public: no token needed.

Bodies are built once per course (the store hands out a new Course when
content changes) and kept with their ETag, so a read costs a dictionary
look-up and a conditional check.
"""

from __future__ import annotations

import threading

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from course.content.store import get_course

from . import presenters
from .middleware import response_keep
from .responses import DEFAULT_LIMIT, MAX_LIMIT, conditional, dumps, etag_of, link_header, page_of
from .schemas import ExerciseOut, ExercisePage, FaqPage, ModuleOut, ModulePage, ProblemOut, StageOut, StagePage

router = Router(tags=["course"])
READ_ERRORS = {304: None, 404: ProblemOut, 406: ProblemOut, 422: ProblemOut}


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class ExerciseFilter(Paging):
    module: str | None = Field(None, description="Only this module's exercises (a module slug)")


_cache: dict[tuple, tuple[object, bytes, str]] = {}
_cache_lock = threading.Lock()


def _cached(course, key: tuple, build) -> tuple[bytes, str]:
    """The body for `key` under this course, built once; a new course (edited content) starts afresh."""
    entry = _cache.get(key)
    if entry is None or entry[0] is not course:
        body = dumps(build())
        entry = (course, body, etag_of(body))
        with _cache_lock:
            if len(_cache) > 2000:  # distinct pages are few; this bounds odd query strings
                _cache.clear()
            _cache[key] = entry
    return entry[1], entry[2]


def _listing(request: HttpRequest, key: tuple, items_of, present, paging: Paging):
    course = get_course()

    def build():
        chosen, next_cursor = page_of(items_of(course), cursor=paging.cursor, limit=paging.limit)
        return {"items": [present(item, course) for item in chosen], "next_cursor": next_cursor}

    body, etag = _cached(course, key + (paging.limit, paging.cursor), build)
    next_cursor = page_of(items_of(course), cursor=paging.cursor, limit=paging.limit)[1]
    return _kept(request, course, body, etag, link_header(request, next_cursor, paging.limit))


def _kept(request: HttpRequest, course, body: bytes, etag: str, headers: dict):
    """The answer, kept for PublicReadsMiddleware to serve the next identical request from memory."""
    response_keep(request, course=course, body=body, etag=etag, headers=headers)
    return conditional(request, body, etag=etag, private=False, headers=headers)


def _one(request: HttpRequest, key: tuple, find, present, what: str, slug: str):
    course = get_course()
    item = find(course, slug)
    if item is None:
        raise Http404(f"No {what} with the slug '{slug}'.")
    body, etag = _cached(course, key + (slug,), lambda: present(item, course))
    return _kept(request, course, body, etag, {})


@router.get("/modules", response={200: ModulePage, **READ_ERRORS}, operation_id="modules_list",
            summary="List the modules, in course order")
def modules_list(request, paging: Query[Paging]):
    return _listing(request, ("modules",), lambda c: list(c.modules), presenters.module_summary, paging)


@router.get("/modules/{slug}", response={200: ModuleOut, **READ_ERRORS}, operation_id="module_get",
            summary="One module with its sections and rendered body")
def module_get(request, slug: str):
    return _one(request, ("module",), lambda c, s: c.module(s), presenters.module_detail, "module", slug)


@router.get("/faq", response={200: FaqPage, **READ_ERRORS}, operation_id="faq_list", summary="List the FAQ entries")
def faq_list(request, paging: Query[Paging]):
    return _listing(request, ("faq",), lambda c: list(c.faq), lambda e, c: presenters.faq_entry(e), paging)


@router.get("/stages", response={200: StagePage, **READ_ERRORS}, operation_id="stages_list",
            summary="List the roadmap stages, in order")
def stages_list(request, paging: Query[Paging]):
    return _listing(request, ("stages",), lambda c: list(c.stages), presenters.stage, paging)


@router.get("/stages/{slug}", response={200: StageOut, **READ_ERRORS}, operation_id="stage_get",
            summary="One roadmap stage")
def stage_get(request, slug: str):
    return _one(request, ("stage",), lambda c, s: next((x for x in c.stages if x.slug == s), None), presenters.stage,
                "roadmap stage", slug)


@router.get("/exercises", response={200: ExercisePage, **READ_ERRORS}, operation_id="exercises_list",
            summary="List the exercises, in course order (optionally one module's)")
def exercises_list(request, filters: Query[ExerciseFilter]):
    module = filters.module
    if module is not None and get_course().module(module) is None:
        raise Http404(f"No module with the slug '{module}'.")
    return _listing(request, ("exercises", module),
                    lambda c: list(c.exercises_for_module(module) if module else c.exercises),
                    lambda e, c: presenters.exercise_summary(e), filters)


@router.get("/exercises/{slug}", response={200: ExerciseOut, **READ_ERRORS}, operation_id="exercise_get",
            summary="One exercise: prompt, starter and checks (never its solution)")
def exercise_get(request, slug: str):
    return _one(request, ("exercise",), lambda c, s: c.exercise(s), lambda e, c: presenters.exercise_detail(e),
                "exercise", slug)
