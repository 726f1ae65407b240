"""Error pages in the site's style."""

import sys

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from .hooks import kept_response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500, called while the uncaught exception is being handled.

    An unreachable database is not our bug but an outage: 503 with
    Retry-After, and what the user sent comes back where an app can keep it
    (an exercise answer, in the editor). Anything else is a 500 page built
    from nothing that could fail again: no database, no content store, no
    context processors.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        try:
            return database_unavailable(request)
        except (OperationalError, InterfaceError):
            pass  # the page itself needed the database after all: the plain page below
    return HttpResponse(loader.get_template("500.html").render({"request_id": getattr(request, "request_id", "")}), status=500)


class _NoMessages(list):
    """Messages while the session cannot be read: none shown, none stored."""

    def update(self, response):
        return []


def database_unavailable(request: HttpRequest) -> HttpResponse:
    retry = settings.DATABASE_RETRY_AFTER_SECONDS
    # Nothing below may touch the session (it lives in the database): the page
    # is built as for a visitor, and the session middleware leaves the cookie alone.
    request.user = AnonymousUser()
    request.session = None
    request._messages = _NoMessages()
    response = kept_response(request, reason="database", retry_after=retry)
    if response is None:
        response = render(request, "503_database.html", {"retry_after": retry}, status=503)
    response["Retry-After"] = str(retry)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form arrived without a valid CSRF token (often: the page sat open past a restart or log-out).

    What was sent is never lost where an app keeps it: an exercise page comes
    back with the answer in the editor and a fresh token, ready to submit again.
    """
    response = kept_response(request, reason="csrf")
    if response is not None:
        return response
    return render(request, "403_csrf.html", {"path": request.path}, status=403)
