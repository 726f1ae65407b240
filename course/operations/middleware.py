"""Request ids and one structured log line per request."""

from __future__ import annotations

import re
import time
import uuid

import structlog

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
            "path": request.path,  # never the query string: it may carry tokens
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            fields["user_id"] = user.pk
        access_log.info("request", **fields)
        structlog.contextvars.clear_contextvars()
        return response


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
