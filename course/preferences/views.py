"""Remember a reader's choices. These are the no-JavaScript paths: with
JavaScript the page switches in place and writes the same cookies itself."""

import re

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from course.accounts.models import Preferences

from .choices import CODE_LANGUAGES, COOKIE_MAX_AGE, LANGUAGE_COOKIE, THEME_COOKIE, THEMES

_FRAGMENT = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,80}$")


@require_POST
def code_language_set(request: HttpRequest) -> HttpResponse:
    return _remember(request, LANGUAGE_COOKIE, request.POST.get("language", ""), CODE_LANGUAGES, "code language")


@require_POST
def theme_set(request: HttpRequest) -> HttpResponse:
    return _remember(request, THEME_COOKIE, request.POST.get("theme", ""), THEMES, "theme")


def _remember(request: HttpRequest, cookie: str, value: str, allowed: dict, what: str) -> HttpResponse:
    if value not in allowed:
        return render(
            request,
            "preferences/invalid.html",
            {"what": what, "value": value, "allowed": allowed, "back": _next_url(request)},
            status=400,
        )
    _remember_on_account(request, cookie, value)
    # 303 See Other: the POST is done; the browser fetches the page with GET.
    response = HttpResponseRedirect(_next_url(request), status=303)
    response.set_cookie(cookie, value, max_age=COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure())
    return response


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    fragment = request.GET.get("at", "")
    if _FRAGMENT.match(fragment):
        target = target.split("#", 1)[0] + "#" + fragment
    return target


def _remember_on_account(request: HttpRequest, cookie: str, value: str) -> None:
    if not request.user.is_authenticated:
        return
    field = "code_language" if cookie == LANGUAGE_COOKIE else "theme"
    Preferences.objects.update_or_create(user=request.user, defaults={field: value})
    saved = dict(request.session.get("preferences", {}))
    saved[field] = value
    request.session["preferences"] = saved


@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    """The page's JavaScript switched language or theme in place; keep it on the account too (204)."""
    if request.POST.get("language") in CODE_LANGUAGES:
        _remember_on_account(request, LANGUAGE_COOKIE, request.POST["language"])
    if request.POST.get("theme") in THEMES:
        _remember_on_account(request, THEME_COOKIE, request.POST["theme"])
    return HttpResponse(status=204)
