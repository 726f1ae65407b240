"""Seams the apps above operations plug into when Django starts (AppConfig.ready).

operations sits beside every app and imports none of them: an app that can
do better than a generic page for a refused request registers a keeper, and
an app with a dependency worth reporting registers a health check.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# keeper(request, *, reason, retry_after) -> a page that keeps what the user sent, or None if not theirs.
# reason: "csrf" (the form's token had expired) or "database" (the database is unreachable).
AnswerKeeper = Callable[..., HttpResponse | None]
_keepers: list[AnswerKeeper] = []
# check() -> {"ok": bool, ...}; a failing one makes /health say "degraded" (the site still serves).
_health_checks: dict[str, Callable[[], dict]] = {}


def keeper_register(keeper: AnswerKeeper) -> None:
    if keeper not in _keepers:
        _keepers.append(keeper)


def kept_response(request: HttpRequest, *, reason: str, retry_after: int | None = None) -> HttpResponse | None:
    for keeper in _keepers:
        response = keeper(request, reason=reason, retry_after=retry_after)
        if response is not None:
            return response
    return None


def health_check_register(name: str, check: Callable[[], dict]) -> None:
    _health_checks[name] = check


def health_checks() -> dict[str, Callable[[], dict]]:
    return dict(_health_checks)
