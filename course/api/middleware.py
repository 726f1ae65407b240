"""Public course reads served from memory, before sessions, CSRF and the view: the API's answer to whitenoise.

A course read (modules, FAQ, stages, exercises) is the same for everyone
until the content changes. The first request builds it through the view;
its 200 is kept under the full URL (host included: Link headers name it), with the Course it was built from, and
later requests get it back here, revalidated against If-None-Match, while
`get_course()` still returns that Course. HEAD is answered as GET without the body. Everything else (learner data,
errors, a client that accepts no JSON) goes the normal way.
"""

from __future__ import annotations

import threading

from course.content.store import get_course
from course.operations.problems import problem_response

from .lifecycle import DOCS_PATH, lifecycle
from .responses import accepts_json, conditional

MAX_ENTRIES = 2000
_kept: dict[str, tuple[object, bytes, str, dict]] = {}
_lock = threading.Lock()


def response_keep(request, *, course, body: bytes, etag: str, headers: dict) -> None:
    """Called by the content endpoints for a 200 worth keeping."""
    with _lock:
        if len(_kept) >= MAX_ENTRIES:
            _kept.clear()
        _kept[request.build_absolute_uri()] = (course, body, etag, headers)


class PublicReadsMiddleware:
    """Also the version's lifecycle (lifecycle.py): Deprecation and Sunset on every v1 answer, 410 after the sunset."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        lifecycle()  # a misconfigured deprecation stops the start, with the reason, rather than a request

    def __call__(self, request):
        if not request.path.startswith("/api/v1/"):
            return self.get_response(request)
        stage = lifecycle()
        if stage.gone() and request.path.rstrip("/") != DOCS_PATH:
            response = problem_response(request, 410, detail=f"API v1 was retired on {stage.sunset_at:%Y-%m-%d}; "
                                        f"{request.build_absolute_uri(DOCS_PATH)} says what replaces it.")
        elif request.method == "HEAD":
            response = _head(request, self._answer)
        else:
            response = self._answer(request)
            if response.status_code == 405 and "GET" in response.get("Allow", "").split(", "):
                response["Allow"] += ", HEAD"
        for name, value in stage.headers(request).items():
            response[name] = f"{response[name]}, {value}" if name == "Link" and response.has_header(name) else value
        return response

    def _answer(self, request):
        if request.method == "GET":
            entry = _kept.get(request.build_absolute_uri())
            if entry is not None and entry[0] is get_course() and accepts_json(request):
                return conditional(request, entry[1], etag=entry[2], private=False, headers=entry[3])
        return self.get_response(request)


def _head(request, answer):
    """HEAD is GET without the body (RFC 9110 9.3.2): the GET answer's headers, Content-Length included."""
    request.method = "GET"
    try:
        response = answer(request)
    finally:
        request.method = "HEAD"  # the access log names what was asked
    if not response.streaming:
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response
