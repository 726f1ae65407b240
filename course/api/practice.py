"""Practising through the API: submit answers, read feedback and progress, reset. Each learner sees only their own.

Every operation here needs a caller (auth.py). Submissions count against the
same allowance as the exercise page's (settings.SUBMISSIONS_PER_MINUTE, one
window per account shared by the page and the API).
"""

from __future__ import annotations

import hashlib
import json
import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema
from pydantic import Field

from course.content.store import get_course
from course.exercises.grading import MAX_SNIPPET_BYTES
from course.exercises.services import submission_grade
from course.operations.ratelimit import rate_limit_hit
from course.progress.attempt_pages import attempts_page
from course.progress.selectors import attempt_for, course_progress
from course.progress.services import progress_reset
from course.sandbox.pool import Busy

from . import presenters
from .auth import LEARNER_AUTH, caller_of
from .responses import (DEFAULT_LIMIT, MAX_LIMIT, Problem, conditional, cursor_decode, cursor_encode, dumps, json_response,
                        link_header, page_of, ratelimit_headers)
from .schemas import (ModuleProgressOut, ModuleProgressPage, ProblemOut, StageProgressOut, StageProgressPage, SubmissionIn,
                      SubmissionOut, SubmissionPage)
from .services import idempotency_claim, idempotency_complete, idempotency_release

router = Router(auth=LEARNER_AUTH, tags=["practice"])
AUTH_ERRORS = {401: ProblemOut, 403: ProblemOut, 406: ProblemOut}
READ_ERRORS = {304: None, **AUTH_ERRORS, 404: ProblemOut, 422: ProblemOut}
POLICY = "submissions"
_KEY = re.compile(r'^"?([\x21\x23-\x7e]{1,255})"?$')  # printable ASCII; the draft's quoted form or a bare value


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class SubmissionFilter(Paging):
    exercise: str | None = Field(None, description="Only the submissions of this exercise (its slug)")


def _exercise(slug: str):
    course = get_course()
    exercise = course.exercise(slug)
    if exercise is None:
        renamed = course.exercise_for_alias(slug)
        raise Http404(f"No exercise with the slug '{slug}'" + (f"; it is now '{renamed.slug}'." if renamed else "."))
    return exercise


def _submissions(request: HttpRequest, exercise_slug: str, paging: Paging) -> HttpResponse:
    before = cursor_decode(paging.cursor)
    rows, more = attempts_page(learner=caller_of(request).learner, exercise_slug=exercise_slug, before_id=before,
                               limit=paging.limit)
    next_cursor = cursor_encode(rows[-1].pk) if more and rows else None
    body = dumps({"items": [presenters.submission(row) for row in rows], "next_cursor": next_cursor})
    return conditional(request, body, private=True, headers=link_header(request, next_cursor, paging.limit))


@router.post("/exercises/{slug}/submissions",
             response={201: SubmissionOut, 400: ProblemOut, **AUTH_ERRORS, 404: ProblemOut, 409: ProblemOut,
                       413: ProblemOut, 415: ProblemOut, 422: ProblemOut, 429: ProblemOut, 503: ProblemOut},
             operation_id="submission_create", summary="Submit an answer: graded at once, like the exercise page",
             openapi_extra={"requestBody": {"content": {"application/json": {"example": {
                 "snippet": "HTTP/1.1 201 Created\nLocation: /v1/orders/42\nContent-Type: application/json\n\n{\"id\": 42}\n"}}}}})
def submission_create(request, slug: str, payload: SubmissionIn,
                      idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                           description="Retry safely: the same key and body replay the "
                                                                       "first answer (kept 24 hours)")):
    caller = caller_of(request)
    exercise = _exercise(slug)
    snippet = payload.snippet.replace("\r\n", "\n")
    size = len(snippet.encode("utf-8"))
    if size > MAX_SNIPPET_BYTES:
        raise Problem(413, f"The snippet is {size:,} bytes; answers are limited to {MAX_SNIPPET_BYTES:,} bytes (64 KiB).")
    claim = None
    if idempotency_key is not None:
        match = _KEY.match(idempotency_key.strip())
        if match is None:
            raise Problem(400, "Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID is usual).",
                          code="idempotency-key-invalid")
        fingerprint = hashlib.sha256(json.dumps({"exercise": exercise.slug, "snippet": snippet}).encode()).hexdigest()
        claim = idempotency_claim(user_id=caller.user.pk, endpoint=f"POST /exercises/{exercise.slug}/submissions",
                                  key=match.group(1), fingerprint=fingerprint)
        if claim.conflict == "mismatch":
            raise Problem(422, "This Idempotency-Key was already used with a different body; use a new key for a new answer.",
                          code="idempotency-key-reused",
                          errors=[{"parameter": "Idempotency-Key", "detail": "Already used for another request."}])
        if claim.conflict == "running":
            raise Problem(409, "A request with this Idempotency-Key is still being graded; retry in a moment.",
                          code="request-in-progress", headers={"Retry-After": "1"})
        if claim.replay is not None:
            return json_response(claim.replay.body.encode(), status=claim.replay.status,
                                 headers={**claim.replay.headers, "Idempotent-Replayed": "true"})
    limit, window = settings.SUBMISSIONS_PER_MINUTE, 60
    hit = rate_limit_hit(key=f"submit:{caller.learner.limit_key()}", limit=limit, window=window)
    headers = ratelimit_headers(POLICY, limit, window, hit)
    try:
        if not hit.allowed:
            raise Problem(429, f"That is more than {limit} submissions in a minute (the exercise page and the API share "
                          f"one allowance); try again in {hit.retry_after} second{'s' if hit.retry_after != 1 else ''}.",
                          headers={"Retry-After": str(hit.retry_after), **headers})
        try:
            submission_grade(learner=caller.learner, exercise=exercise, snippet=snippet, with_progress=False)
        except Busy as exc:
            raise Problem(503, f"Every Python sandbox is busy right now; try again in {exc.retry_after} seconds.",
                          headers={"Retry-After": str(exc.retry_after)}) from exc
    except BaseException:
        if claim is not None and claim.row is not None:
            idempotency_release(row=claim.row)  # not graded: a retry with the key runs afresh
        raise
    attempt = caller.learner.last_attempt
    body = dumps(presenters.submission(attempt))
    headers["Location"] = request.build_absolute_uri(f"{presenters.API}/submissions/{attempt.pk}")
    if claim is not None and claim.row is not None:
        idempotency_complete(row=claim.row, status=201, body=body.decode(), headers={"Location": headers["Location"]})
    return json_response(body, status=201, headers=headers)


@router.get("/exercises/{slug}/submissions", response={200: SubmissionPage, **READ_ERRORS},
            operation_id="exercise_submissions_list", summary="Your submissions of one exercise, newest first")
def exercise_submissions_list(request, slug: str, paging: Query[Paging]):
    return _submissions(request, _exercise(slug).slug, paging)


@router.delete("/exercises/{slug}/submissions", response={204: None, **AUTH_ERRORS, 404: ProblemOut},
               operation_id="exercise_progress_reset", summary="Reset one exercise: delete your submissions of it")
def exercise_progress_reset(request, slug: str):
    exercise = _exercise(slug)
    progress_reset(learner=caller_of(request).learner, course=get_course(), scope="exercise", target=exercise.slug)
    return HttpResponse(status=204)


@router.get("/submissions", response={200: SubmissionPage, **READ_ERRORS}, operation_id="submissions_list",
            summary="All your submissions, newest first")
def submissions_list(request, filters: Query[SubmissionFilter]):
    if filters.exercise is not None:
        _exercise(filters.exercise)
    return _submissions(request, filters.exercise or "", filters)


@router.get("/submissions/{submission_id}", response={200: SubmissionOut, **READ_ERRORS}, operation_id="submission_get",
            summary="One of your submissions, with its feedback")
def submission_get(request, submission_id: int):
    attempt = attempt_for(learner=caller_of(request).learner, attempt_id=submission_id) if 0 < submission_id < 2**62 else None
    if attempt is None:
        raise Http404("You have no submission with this id.")
    return conditional(request, dumps(presenters.submission(attempt)), private=True)


def _progress(request):
    """Per module and per stage (one query: no recent activity or continue-to, which only the dashboard shows)."""
    modules, stages, _ = course_progress(learner=caller_of(request).learner, course=get_course())
    return {"modules": modules, "stages": stages}


@router.get("/progress/modules", response={200: ModuleProgressPage, **READ_ERRORS}, operation_id="module_progress_list",
            summary="Your progress in every module")
def module_progress_list(request, paging: Query[Paging]):
    items, next_cursor = page_of(_progress(request)["modules"], cursor=paging.cursor, limit=paging.limit)
    body = dumps({"items": [presenters.module_progress(p) for p in items], "next_cursor": next_cursor})
    return conditional(request, body, private=True, headers=link_header(request, next_cursor, paging.limit))


@router.get("/progress/modules/{slug}", response={200: ModuleProgressOut, **READ_ERRORS}, operation_id="module_progress_get",
            summary="Your progress in one module")
def module_progress_get(request, slug: str):
    found = next((p for p in _progress(request)["modules"] if p.module.slug == slug), None)
    if found is None:
        raise Http404(f"No module with the slug '{slug}'.")
    return conditional(request, dumps(presenters.module_progress(found)), private=True)


@router.delete("/progress/modules/{slug}", response={204: None, **AUTH_ERRORS, 404: ProblemOut},
               operation_id="module_progress_reset", summary="Reset one module: your submissions of its exercises and "
                                                             "the sections you marked read")
def module_progress_reset(request, slug: str):
    course = get_course()
    if course.module(slug) is None:
        raise Http404(f"No module with the slug '{slug}'.")
    progress_reset(learner=caller_of(request).learner, course=course, scope="module", target=slug)
    return HttpResponse(status=204)


@router.get("/progress/stages", response={200: StageProgressPage, **READ_ERRORS}, operation_id="stage_progress_list",
            summary="Your progress in every roadmap stage")
def stage_progress_list(request, paging: Query[Paging]):
    items, next_cursor = page_of(_progress(request)["stages"], cursor=paging.cursor, limit=paging.limit)
    body = dumps({"items": [presenters.stage_progress(p) for p in items], "next_cursor": next_cursor})
    return conditional(request, body, private=True, headers=link_header(request, next_cursor, paging.limit))


@router.get("/progress/stages/{slug}", response={200: StageProgressOut, **READ_ERRORS}, operation_id="stage_progress_get",
            summary="Your progress in one roadmap stage")
def stage_progress_get(request, slug: str):
    found = next((p for p in _progress(request)["stages"] if p.stage.slug == slug), None)
    if found is None:
        raise Http404(f"No roadmap stage with the slug '{slug}'.")
    return conditional(request, dumps(presenters.stage_progress(found)), private=True)
