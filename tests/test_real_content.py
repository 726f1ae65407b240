"""The course as shipped in content/: it loads cleanly and has what the design promises."""

import re

import pytest
from django.conf import settings

from course.content.store import build_course
from course.content.highlighting import stylesheet

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def course():
    return build_course(settings.BASE_DIR / "content")


def test_the_shipped_content_has_no_problems(course):
    assert [problem.format(settings.BASE_DIR) for problem in course.problems] == []


def test_eleven_modules_in_the_designed_order(course):
    assert [module.slug for module in course.modules] == [
        "api-fundamentals", "backend-architecture", "authentication-security", "gateways-microservices",
        "performance-caching", "documentation-developer-experience", "data-architecture",
        "architecture-patterns", "cloud-devops", "ai-powered-apis", "system-design",
    ]


def test_module_one_is_complete_with_four_language_tabs(course):
    module = course.module("api-fundamentals")
    assert module.is_published
    assert len(module.objectives) >= 3
    assert module.body.reading_minutes >= 20
    full_groups = [group for group in module.body.tab_groups if group == ("typescript", "python", "php", "csharp")]
    assert len(full_groups) >= 3
    assert module.body.html.count('class="admonition mistake"') >= 3
    for anchor in ("rest-constraints", "http-methods", "status-codes", "versioning", "pagination", "idempotency-keys"):
        assert anchor in module.body.ids


def test_the_faq_has_25_answers_each_tied_to_a_module(course):
    assert len(course.faq) == 25
    slugs = {module.slug for module in course.modules}
    assert all(entry.module in slugs for entry in course.faq)


def test_the_roadmap_has_six_stages_and_stage_two_has_a_track_per_stack(course):
    assert len(course.stages) == 6
    assert ("typescript", "python", "php", "csharp") in course.stages[1].body.tab_groups


def test_the_home_page_of_the_real_course_lists_all_modules(client):
    html = client.get("/").content.decode()
    assert len(re.findall(r'<li class="module-card', html)) == 11


def test_every_real_module_page_renders(client, course):
    for module in course.modules:
        assert client.get(module.url).status_code == 200, module.slug


def test_the_committed_pygments_stylesheet_is_up_to_date():
    committed = (settings.BASE_DIR / "static" / "css" / "pygments.css").read_text(encoding="utf-8")
    assert committed == stylesheet(), "run `python manage.py pygments_css` and commit the result"


def test_every_module_has_at_least_three_exercises_over_two_kinds(course):
    for module in course.modules:
        exercises = course.exercises_for_module(module.slug)
        assert len(exercises) >= 3, module.slug
        assert len({exercise.kind for exercise in exercises}) >= 2, module.slug


def test_every_real_exercise_page_renders(client, course):
    for exercise in course.exercises:
        assert client.get(exercise.url).status_code == 200, exercise.slug


def test_every_module_is_written_in_full(course):
    for module in course.modules:
        assert module.is_published, module.slug
        assert 5 <= len(module.objectives) <= 8, module.slug
        assert 20 <= module.body.reading_minutes <= 45, (module.slug, module.body.reading_minutes)
        full_groups = [g for g in module.body.tab_groups if g == ("typescript", "python", "php", "csharp")]
        assert len(full_groups) >= 3, module.slug
        assert module.body.html.count('class="admonition mistake"') >= 4, module.slug
        assert "<svg" in module.body.html or 'class="flow"' in module.body.html, module.slug


def test_every_exercise_teaches_link_names_a_section(course):
    for exercise in course.exercises:
        for check in exercise.checks:
            assert "#" in check.teaches, (exercise.slug, check.id)
