"""Request ids and one structured log line per request."""

from __future__ import annotations

import re
import time
import uuid

import structlog

from .problems import KEPT_HEADERS, MEDIA_TYPE, problem_path, problem_response

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
access_log = structlog.get_logger("course.access")


class RequestIdMiddleware:
    """Take a well-formed X-Request-ID from the client (or a proxy) or make one; echo it back.

    The id is bound to every log line written while the request runs, shown on
    error pages and included in error JSON, so a learner's report can be
    matched to the logs.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = offered if _WELL_FORMED.match(offered) else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request.request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        fields = {
            "method": request.method,
            "path": logged_path(request),  # never the query string, nor a token in the path
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            fields["user_id"] = user.pk
        access_log.info("request", **fields)
        # The id stays bound until the next request on this thread clears it: Django logs a 5xx
        # after every middleware has returned, and that line must carry the id too.
        return response


def logged_path(request) -> str:
    """The path, with any URL part named like a secret (a password-reset token) replaced by its name."""
    match = getattr(request, "resolver_match", None)
    path = request.path
    if match is None:
        return path
    for name, value in match.kwargs.items():
        if "token" in name and isinstance(value, str) and value and value in path:
            path = path.replace(value, f"<{name}>")
    return path


class BodySizeLimitMiddleware:
    """Refuse request bodies over settings.DATA_UPLOAD_MAX_MEMORY_SIZE with 413 Content Too Large.

    Checked on the declared Content-Length before anything reads the body, so
    a huge upload costs nothing; Django's own check (a bare 400) never fires.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.shortcuts import render

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            template = "includes/_too_large.html" if request.headers.get("HX-Request") else "413.html"
            return render(request, template, {"size": length, "limit": limit}, status=413)
        return self.get_response(request)


ERROR_CODES = {
    400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 409: "conflict",
    410: "gone", 413: "content_too_large", 415: "unsupported_media_type", 422: "validation_failed",
    429: "rate_limited", 500: "internal_error", 502: "bad_gateway", 503: "unavailable", 504: "gateway_timeout",
}


def wants_json(request) -> bool:
    """A client that asked for JSON (Accept) rather than a page."""
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


class JsonErrorsMiddleware:
    """Errors for JSON clients in one shape: {"error": {"code", "message", "request_id"}}.

    Pages answer browsers; a client that asked for JSON gets the same status
    and headers (Allow, Retry-After…) with the envelope instead of HTML, and
    never anything internal.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 400 and problem_path(request):
            return _as_problem(request, response)
        if response.status_code < 400 or not wants_json(request) or "json" in response.get("Content-Type", ""):
            return response
        from django.http import HttpResponse, JsonResponse
        from http import HTTPStatus

        status = response.status_code
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        envelope = JsonResponse(
            {"error": {"code": ERROR_CODES.get(status, "error"), "message": _MESSAGES.get(status, phrase),
                       "request_id": getattr(request, "request_id", "")}},
            status=status,
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID", "Vary"):
            if header in response:
                envelope[header] = response[header]
        # Django logs an error response once; the envelope is the same error, not a second one.
        envelope._has_been_logged = getattr(response, "_has_been_logged", False)
        return envelope


def _as_problem(request, response):
    """Any error under the problem paths (the API) as RFC 9457 problem details, its headers kept."""
    if response.get("Content-Type", "").startswith(MEDIA_TYPE):
        return response
    problem = problem_response(request, response.status_code)
    for header in KEPT_HEADERS:
        if header in response:
            problem[header] = response[header]
    problem._has_been_logged = getattr(response, "_has_been_logged", False)
    return problem


_MESSAGES = {
    400: "The request could not be understood.",
    403: "This request is not allowed (a missing or expired CSRF token is the usual reason).",
    404: "Nothing lives at this address.",
    405: "This address does not accept that method; see the Allow header.",
    413: "The request body is larger than this site accepts.",
    429: "Too many requests; see the Retry-After header.",
    500: "Something went wrong on our side; it has been logged.",
    503: "The service is busy or unavailable; see the Retry-After header if present.",
}
