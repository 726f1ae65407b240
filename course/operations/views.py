"""Error pages in the site's style."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Keep this page free of anything that could fail again: no database, no
    # content store, no context processors.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
