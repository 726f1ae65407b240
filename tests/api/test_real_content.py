"""The shipped course through the API: no reference solution or known-wrong answer ever appears in a response."""

import json

import pytest
from django.conf import settings

from course.content.store import get_course

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_content(settings):
    settings.CONTENT_DIR = settings.BASE_DIR / "content"
    settings.CONTENT_WATCH = False


def secrets_of(exercise) -> list[str]:
    """The samples learners must not be handed: the solution and each wrong answer (except one that is part of the
    starter, which the page shows anyway: e.g. the starter with its last bracket dropped)."""
    samples = [exercise.solution.text] + [wrong.text for wrong in exercise.wrong]
    return [text.strip() for text in samples if text.strip() and text.strip() not in exercise.starter.text]


def test_no_api_response_contains_a_solution_or_a_wrong_answer(real_content, alice_api):
    course = get_course()
    assert len(course.exercises) > 20
    bodies = []
    url = "/api/v1/exercises?limit=100"
    while url:
        response = alice_api.get(url)
        bodies.append(response.content.decode())
        cursor = json.loads(response.content)["next_cursor"]
        url = f"/api/v1/exercises?limit=100&cursor={cursor}" if cursor else None
    for path in ["/api/v1/modules?limit=100", "/api/v1/faq?limit=100", "/api/v1/stages?limit=100", "/api/v1/openapi.json"]:
        bodies.append(alice_api.get(path).content.decode())
    bodies += [alice_api.get(f"/api/v1/modules/{m.slug}").content.decode() for m in course.modules]
    bodies += [alice_api.get(f"/api/v1/stages/{s.slug}").content.decode() for s in course.stages]
    bodies += [alice_api.get(f"/api/v1/exercises/{e.slug}").content.decode() for e in course.exercises]
    for exercise in course.exercises[:: max(1, len(course.exercises) // 6)]:  # feedback on the starter, a few kinds
        if exercise.kind not in ("python-handler", "http-scenario"):
            bodies.append(alice_api.post(f"/api/v1/exercises/{exercise.slug}/submissions",
                                         {"snippet": exercise.starter.text}).content.decode())
    texts = [json.loads(body) for body in bodies]  # compare decoded strings, not JSON escapes
    flat = "\n".join(json.dumps(text, ensure_ascii=False) for text in texts)
    decoded = "\n".join(_strings(texts))
    for exercise in course.exercises:
        for secret in secrets_of(exercise):
            assert secret not in decoded, f"{exercise.slug}: a solution or wrong answer appears in an API response"
    assert flat


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_the_examples_on_the_docs_page_and_in_the_authors_guide_name_a_real_exercise(real_content, client):
    import re

    html = client.get("/api/v1/docs").content.decode()
    guide = (settings.BASE_DIR / "content" / "README.md").read_text()
    for text in (html, guide):
        slugs = set(re.findall(r"/api/v1/exercises/([a-z0-9-]+)", text))
        assert slugs and all(get_course().exercise(slug) for slug in slugs), slugs
