"""GET /health: is this process fit to serve? Cheap, sessionless, JSON."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from course.content.store import get_course
from course.operations.ratelimit import limiter

from .hooks import health_checks


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as exc:  # any database failure means "down", said plainly
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        course = get_course()
        checks["content"] = {"ok": bool(course.modules), "pages": course.page_count, "exercises": len(course.exercises)}
    except Exception as exc:
        checks["content"] = {"ok": False, "error": type(exc).__name__}
    redis = limiter.shared_status()
    if redis is not None:  # an unreachable Redis degrades rate limits (counted per process), nothing else
        checks["redis"] = redis
    for name, check in health_checks().items():  # registered by the apps with dependencies of their own
        try:
            checks[name] = check()
        except Exception as exc:  # a check that fails is a failing dependency, not a failing /health
            checks[name] = {"ok": False, "error": type(exc).__name__}
    healthy = checks["database"]["ok"] and checks["content"]["ok"]
    failing = [name for name, check in checks.items() if not check["ok"]]
    status = ("degraded" if failing else "ok") if healthy else "down"
    response = JsonResponse({"status": status, "failing": failing, "checks": checks}, status=200 if healthy else 503)
    if not healthy:
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    return response
