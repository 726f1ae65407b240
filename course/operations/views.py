"""Error pages in the site's style."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Keep this page free of anything that could fail again: no database, no
    # content store, no context processors.
    return HttpResponse(loader.get_template("500.html").render({"request_id": getattr(request, "request_id", "")}), status=500)


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
