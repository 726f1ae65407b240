"""Error pages in the site's style."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500, called while the uncaught exception is being handled.

    An unreachable database is not our bug but an outage: 503 with
    Retry-After, and an exercise answer comes back in the editor (page or
    htmx panel) so nothing typed is lost. Anything else is a 500 page built
    from nothing that could fail again: no database, no content store, no
    context processors.
    """
    import sys

    from django.db import InterfaceError, OperationalError

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
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.urls import Resolver404, resolve

    retry = settings.DATABASE_RETRY_AFTER_SECONDS
    # Nothing below may touch the session (it lives in the database): the page
    # is built as for a visitor, and the session middleware leaves the cookie alone.
    request.user = AnonymousUser()
    request.session = None
    request._messages = _NoMessages()
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if (request.method == "POST" and match is not None and match.view_name == "exercises:detail"
            and "snippet" in request.POST):
        from course.exercises.views import unsaved_page

        if getattr(request, "attempt_saved", False):  # the database went away after the attempt was written
            message = ("Your answer was checked and saved, but the site's database stopped answering before the "
                       f"feedback could be shown. Reload the page in {retry} seconds to read it.")
        else:
            message = ("The site's database is not answering, so your answer was neither checked nor saved. "
                       f"It is still in the editor: submit it again in {retry} seconds.")
        response = unsaved_page(request, match.kwargs["slug"], request.POST["snippet"], 503, message)
    else:
        response = render(request, "503_database.html", {"retry_after": retry}, status=503)
    response["Retry-After"] = str(retry)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form arrived without a valid CSRF token (often: the page sat open past a restart or log-out).

    An exercise answer is never lost: the exercise page comes back with the
    answer in the editor and a fresh token, ready to submit again.
    """
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.view_name == "exercises:detail" and "snippet" in request.POST:
        from course.exercises.views import refusal_page

        return refusal_page(request, match.kwargs["slug"], request.POST["snippet"], 403,
                            "This page's security token had expired, so your answer was not checked. It is still in the "
                            "editor: submit it again.")
    return render(request, "403_csrf.html", {"path": request.path}, status=403)
