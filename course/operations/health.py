"""GET /health: is this process fit to serve? Cheap, sessionless, JSON."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from course.content.store import get_course


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    from course.sandbox.service import availability

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
    if settings.REDIS_URL:
        try:
            cache.set("health:ping", "pong", timeout=5)
            checks["cache"] = {"ok": cache.get("health:ping") == "pong", "backend": "redis"}
        except Exception as exc:  # an unreachable cache degrades rate limits and sessions, not reading
            checks["cache"] = {"ok": False, "backend": "redis", "error": type(exc).__name__}
    python = availability()
    checks["python_grading"] = {"ok": python.available, **({"reason": python.reason} if not python.available else {})}
    healthy = checks["database"]["ok"] and checks["content"]["ok"]
    degraded = not python.available or not checks.get("cache", {"ok": True})["ok"]
    status = ("degraded" if degraded else "ok") if healthy else "down"
    return JsonResponse({"status": status, "checks": checks}, status=200 if healthy else 503)
