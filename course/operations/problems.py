"""RFC 9457 problem details (application/problem+json): the API's one error shape.

Every error under settings.PROBLEM_JSON_PATHS is answered in this shape,
whichever layer produced it: the API's own handlers build it here, and
JsonErrorsMiddleware turns anything else (Django's 404 and 500, the early
413, a 405 with Allow, the database-down 503) into it, keeping the headers
that matter (Allow, Retry-After, WWW-Authenticate, RateLimit…).

    {"type": "https://host/api/v1/docs#problem-not-found", "title": "Not found", "status": 404,
     "detail": "No exercise with the slug 'nope'.", "instance": "/api/v1/exercises/nope",
     "code": "not-found", "request_id": "…"}

`type` links to the documentation of that problem; `code` repeats its end
for clients that switch on a plain string; 422s add `errors`, one entry per
field with a JSON Pointer (`{"pointer": "#/snippet", "detail": "…"}`).
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

MEDIA_TYPE = "application/problem+json"
CODES = {
    400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
    406: "not-acceptable", 409: "conflict", 410: "gone", 412: "precondition-failed", 413: "content-too-large",
    415: "unsupported-media-type", 422: "validation-failed", 428: "precondition-required", 429: "rate-limited",
    500: "internal-error", 502: "bad-gateway", 503: "unavailable", 504: "gateway-timeout",
}
TITLES = {
    400: "The request could not be understood",
    401: "Authentication is required",
    403: "This request is not allowed",
    404: "Nothing lives at this address",
    405: "This address does not accept that method",
    406: "No representation matches the Accept header",
    409: "The request conflicts with one in progress",
    413: "The request body is too large",
    415: "The request body is not in a format this address reads",
    422: "The request contains invalid fields",
    429: "Too many requests",
    500: "Something went wrong on our side",
    503: "The service is unavailable for a moment",
}
DETAILS = {
    401: "Send a personal access token (Authorization: Bearer …) or log in.",
    404: "Nothing lives at this address.",
    405: "See the Allow header for the methods this address accepts.",
    406: "This API answers application/json (errors: application/problem+json).",
    413: "The request body is larger than this site accepts.",
    415: "Send the body as application/json.",
    429: "Slow down; the Retry-After header says when to try again.",
    500: "Something went wrong on our side; it has been logged. Quote the request_id if you report it.",
    503: "The service is busy or unavailable; the Retry-After header says when to try again.",
}
# Headers an error keeps when the middleware rewrites it as problem details.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID", "Vary", "RateLimit", "RateLimit-Policy",
                "Cache-Control", "Deprecation", "Sunset", "Link")


def problem_path(request: HttpRequest) -> bool:
    """Is this request answered with problem details whatever its Accept header?"""
    return any(request.path.startswith(prefix) for prefix in settings.PROBLEM_JSON_PATHS)


def problem_body(request: HttpRequest, status: int, *, detail: str = "", code: str = "", title: str = "",
                 errors: list[dict] | None = None, **extra) -> dict:
    code = code or CODES.get(status, "error")
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    page = f"{settings.PROBLEM_TYPE_PAGE}#problem-{code}"
    try:
        page = request.build_absolute_uri(page)
    except DisallowedHost:  # the request named a host we do not serve: the problem still links to the page
        pass
    body = {
        "type": page,
        "title": title or TITLES.get(status, phrase),
        "status": status,
        "detail": detail or DETAILS.get(status, phrase + "."),
        "instance": request.path,
        "code": code,
        "request_id": getattr(request, "request_id", ""),
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return body


def problem_response(request: HttpRequest, status: int, *, headers: dict | None = None, **fields) -> HttpResponse:
    """An application/problem+json response (see problem_body for the fields)."""
    response = HttpResponse(json.dumps(problem_body(request, status, **fields), ensure_ascii=False),
                            status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
