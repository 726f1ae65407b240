from functools import lru_cache
from urllib.parse import urlsplit

from django import template
from django.utils.safestring import mark_safe

from course.content.rendering import render
from course.content.store import get_course
from course.exercises.graders.http_scenario import describe_steps

register = template.Library()

KIND_LABELS = {
    "http-response": "HTTP response",
    "http-request": "HTTP request",
    "route-table": "Route table",
    "openapi": "OpenAPI document",
    "json-document": "JSON document",
    "python-handler": "Python function",
    "http-scenario": "WSGI API, driven step by step",
}


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@register.simple_tag
def lesson_title(url: str) -> str:
    """'Module title › Section title' for a teaches link."""
    parts = urlsplit(url)
    slug = parts.path.strip("/").split("/")[-1]
    module = get_course().module(slug)
    if module is None:
        return url
    for heading in module.body.toc:
        for candidate in (heading, *heading.children):
            if candidate.id == parts.fragment:
                return f"{module.title} › {candidate.title}"
    return module.title


@register.simple_tag
def highlighted(text: str, language: str) -> str:
    return mark_safe(_highlight(text, language))


@lru_cache(maxsize=256)
def _highlight(text: str, language: str) -> str:
    fence = "~~~~" if "```" in text else "```"
    return render(f"{fence}{language}\n{text}{fence}\n").html


@register.filter
def passed_count(checks) -> int:
    return sum(1 for check in checks if check["passed"])


@register.filter
def checks_for(checks, step) -> list:
    """The results of the checks that look at one scenario step, in the exercise's order."""
    wanted = set(step.get("checks", ()))
    return [check for check in checks if check["id"] in wanted]


@register.simple_tag
def scenario_steps(exercise) -> list[dict]:
    """What the grader will send, step by step, as the learner reads it before submitting."""
    return describe_steps(exercise)
