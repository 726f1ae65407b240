"""The v1 API: django-ninja, its routers, and every error as problem details.

Checks made before any operation runs (a "view" decorator, so before
authentication and validation): the client must accept JSON (else 406), and
a request body must be JSON (else 415). Method not allowed (405, with
Allow), an unknown path (404), a body over the site's limit (413) and a
database outage (503) come from Django and operations, which answer
problem details for every path under /api/ (course.operations.problems).
"""

from __future__ import annotations

import functools

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from course.operations.problems import problem_response

from . import content, practice
from .auth import REALM
from .openapi import document_finish
from .responses import Problem, accepts_json

DESCRIPTION = """Read the course and practise it from your own tools: list modules and exercises, submit answers and
read the same feedback as the exercise page, follow your progress. Human-readable documentation: /api/v1/docs."""


class CourseApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_finish(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = CourseApi(title="API Architect", version="1", description=DESCRIPTION, urls_namespace="api-v1",
                openapi_url=None, docs_url=None)


def negotiated(run):
    """406 for a client that accepts no JSON; 415 for a body that is not JSON."""

    @functools.wraps(run)
    def checked(request, *args, **kwargs):
        if not accepts_json(request):
            return problem_response(request, 406, detail="This API answers application/json only (errors: "
                                    "application/problem+json); send Accept: application/json or leave Accept out.")
        if request.method in ("POST", "PUT", "PATCH") and (request.body or request.content_type):
            media = request.content_type or ""
            if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
                return problem_response(request, 415, detail=f"Send the body as application/json (it came as "
                                        f"{media or 'no Content-Type'}).", headers={"Accept-Post": "application/json"})
        return run(request, *args, **kwargs)

    return checked


api.add_decorator(negotiated, mode="view")
api.add_router("", content.router)
api.add_router("", practice.router)


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return problem_response(request, exc.status, detail=exc.detail, code=exc.code, errors=exc.errors, title=exc.title,
                            headers=exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem_response(request, 401, detail="This needs a personal access token (Authorization: Bearer aa_pat_…, made "
                            "on the account page) or a logged-in browser session.", headers={"WWW-Authenticate": REALM})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    detail = {400: "The body is not valid JSON."}.get(exc.status_code, str(exc))
    return problem_response(request, exc.status_code, detail=detail)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, 404, detail=str(exc) or "Nothing lives at this address.")


def _field(error: dict) -> dict:
    where, *path = error["loc"]
    message = error["msg"].removeprefix("Value error, ")
    if where == "body":
        path = path[1:]  # the first part names the operation's body argument
        if not path:  # no body at all
            return {"pointer": "#", "detail": "A JSON body is required, e.g. {\"snippet\": \"...\"}."}
        return {"pointer": "#/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in path), "detail": message}
    return {"parameter": str(path[-1]) if path else where, "detail": message}


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [_field(error) for error in exc.errors]
    count = len(errors)
    return problem_response(request, 422, detail=f"{count} field{'s' if count != 1 else ''} need{'s' if count == 1 else ''} "
                            "attention; see errors.", errors=errors)
