from django.conf import settings

from .store import get_course


def content_problems(request) -> dict:
    """While authoring, show content problems on every page so none go unnoticed."""
    if not settings.CONTENT_WATCH:
        return {}
    return {"debug_content_problems": [problem.format(settings.BASE_DIR) for problem in get_course().problems]}
