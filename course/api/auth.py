"""Who calls: a personal access token (Authorization: Bearer), or a logged-in browser session.

A token's scope decides what it may do: `read` reads, `read+submit` also
submits and resets. A session may do everything its owner can on the
pages, and, being a cookie the browser sends by itself, must prove each
unsafe request with the CSRF token (X-CSRFToken), as the site's forms do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from course.progress.learners import Learner

from .responses import Problem
from .selectors import token_for_secret
from .services import token_mark_used

REALM = 'Bearer realm="API Architect"'
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Caller:
    user: object
    via: str  # "token" or "session"
    scope: str  # "read", "read+submit"; a session has every scope its owner has
    learner: Learner


class BearerToken(HttpBearer):
    """Authorization: Bearer aa_pat_…; a token of the wrong scope for the method is a 403."""

    openapi_description = "A personal access token made on the account page (Your progress › API tokens)."

    def __call__(self, request: HttpRequest):
        value = request.headers.get("Authorization", "")
        if not value:
            return None
        scheme, _, secret = value.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Problem(401, "The Authorization header must read 'Bearer <token>'.",
                          headers={"WWW-Authenticate": f'{REALM}, error="invalid_request"'})
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str):
        found = token_for_secret(secret=token)
        if found is None:
            raise Problem(401, "This token is unknown or was revoked. Make a new one on the account page.",
                          headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
        if request.method not in SAFE_METHODS and not found.may_submit:
            raise Problem(403, "This token may only read; make a token with the read+submit scope to submit or reset.",
                          code="insufficient-scope",
                          headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="read+submit"'})
        token_mark_used(token=found)
        request.user = found.user  # the access log names the account
        return Caller(found.user, "token", found.scope, Learner(user_id=found.user_id, session={}))


class BrowserSession(APIKeyCookie):
    """The site's own log-in cookie; unsafe methods need the CSRF token as well."""

    param_name = "sessionid"
    openapi_description = "The browser session of a logged-in learner; unsafe methods also need the X-CSRFToken header."

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, with a problem that says what to send

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise Problem(403, "A request made with the browser session must carry the CSRF token: send the csrftoken "
                          "cookie's value in the X-CSRFToken header.", code="csrf-failed")
        return Caller(user, "session", "read+submit", Learner(user_id=user.pk, session=request.session))


LEARNER_AUTH = [BearerToken(), BrowserSession()]


def caller_of(request: HttpRequest) -> Caller:
    return request.auth
