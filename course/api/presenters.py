"""Domain objects as the API's JSON (the shapes of schemas.py). Content arrives rendered: nothing here parses Markdown.

An exercise is shown as its page shows it before any attempt: prompt,
starter, checks. Its reference solution and known-wrong answers are never
part of any representation here.
"""

from __future__ import annotations

from course.exercises.graders.http_scenario import describe_steps
from course.exercises.templatetags.exercise_tags import lesson_title

API = "/api/v1"


def _sections(headings) -> list[dict]:
    return [{"id": h.id, "title": h.title, "subsections": _sections(h.children)} for h in headings]


def module_summary(module, course) -> dict:
    return {"slug": module.slug, "order": module.order, "title": module.title, "summary": module.summary,
            "status": module.status, "url": module.url, "exercises": len(course.exercises_for_module(module.slug))}


def module_detail(module, course) -> dict:
    return module_summary(module, course) | {
        "objectives_html": list(module.objectives), "reading_minutes": module.body.reading_minutes,
        "sections": _sections(module.body.toc), "html": module.body.for_language(None),
        "exercise_slugs": [e.slug for e in course.exercises_for_module(module.slug)],
        "faq_slugs": [entry.slug for entry in course.faq_for_module(module.slug)],
    }


def faq_entry(entry) -> dict:
    return {"slug": entry.slug, "order": entry.order, "question": entry.question, "module": entry.module,
            "section": entry.section, "url": entry.url, "html": entry.body.for_language(None)}


def stage(stage, course) -> dict:
    return {"slug": stage.slug, "order": stage.order, "title": stage.title, "duration": stage.duration,
            "modules": list(stage.modules), "topics_html": list(stage.topics), "outcomes_html": list(stage.outcomes),
            "project_html": stage.project, "url": stage.url, "html": stage.body.for_language(None),
            "exercise_slugs": [e.slug for slug in stage.modules for e in course.exercises_for_module(slug)]}


def exercise_summary(exercise) -> dict:
    return {"slug": exercise.slug, "title": exercise.title, "kind": exercise.kind, "module": exercise.module,
            "summary": exercise.summary, "url": exercise.url, "checks": len(exercise.checks)}


def exercise_detail(exercise) -> dict:
    steps = describe_steps(exercise) if exercise.kind == "http-scenario" else []
    return {
        "slug": exercise.slug, "title": exercise.title, "kind": exercise.kind, "module": exercise.module,
        "summary": exercise.summary, "url": exercise.url, "language": exercise.language,
        "prompt_html": exercise.prompt.for_language(None), "starter": exercise.starter.text,
        "checks": [{"id": c.id, "rule": c.rule, "lesson": lesson_title(c.teaches), "teaches": c.teaches} for c in exercise.checks],
        "steps": [{"name": s["name"], "describe": s["describe"] or "", "repeat": s["repeat"], "request": s["request"]} for s in steps],
    }


def submission(attempt) -> dict:
    grade = attempt.grade or {}
    checks = []
    for check in grade.get("checks", []):
        shown = {key: check.get(key) for key in ("id", "passed", "message", "hint", "teaches", "line")}
        shown["hint"] = shown["hint"] or ""
        if check.get("not_checked_because"):
            shown["not_checked_because"] = check["not_checked_because"]
        checks.append(shown)
    return {"id": attempt.pk, "exercise": attempt.exercise, "url": f"{API}/submissions/{attempt.pk}",
            "submitted_at": attempt.created_at.isoformat().replace("+00:00", "Z"), "status": attempt.status,
            "score": attempt.score, "error": grade.get("error"), "checks": checks, "steps": grade.get("steps", []),
            "output": grade.get("output", ""), "snippet": attempt.snippet}


def module_progress(progress) -> dict:
    return {"module": progress.module.slug, "title": progress.module.title, "percent": progress.percent,
            "complete": progress.complete, "sections_read": progress.sections_read, "sections": progress.sections,
            "exercises_passed": progress.passed, "exercises": progress.total}


def stage_progress(progress) -> dict:
    return {"stage": progress.stage.slug, "title": progress.stage.title, "percent": progress.percent,
            "exercises_passed": progress.passed, "exercises": progress.total}
