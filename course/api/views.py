"""Pages of the API app: the OpenAPI document, the documentation page, and the account's token page."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .api import api
from .forms import TokenForm
from .lifecycle import Lifecycle, lifecycle
from .models import SCOPES
from .openapi import PROBLEM
from .responses import conditional, dumps, etag_of
from .selectors import tokens_for
from .services import token_create, token_revoke

_document: tuple[Lifecycle, bytes, str] | None = None

METHOD_ORDER = ("get", "post", "put", "patch", "delete")
PROBLEMS = [
    ("bad-request", 400, "The body is not valid JSON, or a header (Idempotency-Key) is malformed."),
    ("unauthorized", 401, "No token or session, or a token that is unknown or revoked. WWW-Authenticate says which."),
    ("forbidden", 403, "A session request without its CSRF token."),
    ("insufficient-scope", 403, "A read token used to submit or reset: make a read+submit token."),
    ("csrf-failed", 403, "A session request to submit or reset without the X-CSRFToken header."),
    ("not-found", 404, "No such module, exercise, stage or submission (someone else's submissions are not found either)."),
    ("method-not-allowed", 405, "The Allow header lists the methods this address accepts."),
    ("not-acceptable", 406, "Accept names no JSON type: this API answers application/json."),
    ("request-in-progress", 409, "A request with the same Idempotency-Key is still being graded: retry after Retry-After."),
    ("content-too-large", 413, "The body is over 256 KiB, or the snippet over 64 KiB."),
    ("unsupported-media-type", 415, "The body is not application/json."),
    ("validation-failed", 422, "Fields are missing or invalid: errors lists each with a JSON Pointer (or a parameter)."),
    ("idempotency-key-reused", 422, "The Idempotency-Key was used before with a different body."),
    ("rate-limited", 429, "Too many submissions in a minute; Retry-After and RateLimit say when a slot frees."),
    ("internal-error", 500, "Our bug; it has been logged with the request_id."),
    ("unavailable", 503, "The database or every Python sandbox is busy or down; retry after Retry-After."),
]


def openapi_document() -> tuple[bytes, str]:
    """The OpenAPI 3.1 document generated from the code, and its ETag (built once per process and lifecycle stage)."""
    global _document
    stage = lifecycle()
    if _document is None or _document[0] != stage:
        body = dumps(api.get_openapi_schema(path_prefix="/api/v1"))
        _document = (stage, body, etag_of(body))
    return _document[1], _document[2]


@require_safe
def openapi_json(request: HttpRequest) -> HttpResponse:
    body, etag = openapi_document()
    return conditional(request, body, etag=etag, private=False)


def _operations(document: dict) -> list[dict]:
    found = []
    for path, item in document["paths"].items():
        for method in METHOD_ORDER:
            operation = item.get(method)
            if operation is None:
                continue
            responses = []
            for code, response in sorted(operation["responses"].items()):
                responses.append({"code": code, "description": response.get("description", ""),
                                  "problem": PROBLEM in response.get("content", {}),
                                  "headers": sorted(response.get("headers", {}))})
            also_head = method == "get" and "head" in item  # HEAD: the same answer without the body, listed with its GET
            found.append({"method": "GET, HEAD" if also_head else method.upper(), "path": path, "id": operation["operationId"],
                          "summary": operation.get("summary", ""), "description": operation.get("description", ""),
                          "tag": (operation.get("tags") or ["api"])[0], "secured": bool(operation.get("security")),
                          "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                          "description": p.get("description", "") or p.get("schema", {}).get("description", "")}
                                         for p in operation.get("parameters", [])],
                          "body": "requestBody" in operation, "responses": responses})
    return found


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    """The documentation page: every operation of the generated document, and the practice loop with curl and Python."""
    document = json.loads(openapi_document()[0])
    return render(request, "api/docs.html", {"document": document, "operations": _operations(document),
                                             "problems": PROBLEMS, "base": request.build_absolute_uri("/api/v1"),
                                             "per_minute": settings.SUBMISSIONS_PER_MINUTE})


@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The account's tokens: make one (shown once), see them, revoke them. A plain form: works without JavaScript."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('accounts:login')}?next={request.path}")
    form = TokenForm(request.POST or None)
    made = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            row, made = token_create(user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"])
            form = TokenForm()
        else:
            status = 400
    response = render(request, "api/tokens.html", {"form": form, "made": made, "tokens": tokens_for(user=request.user),
                                                   "scopes": SCOPES}, status=status)
    response["Cache-Control"] = "no-store"  # the new token is in this page: no cache may keep it
    return response


@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('accounts:login')}?next={reverse('api-pages:tokens')}")
    if token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "The token is revoked: it no longer works anywhere.")
    return HttpResponseRedirect(reverse("api-pages:tokens"), status=303)
