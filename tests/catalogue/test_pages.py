"""Reading pages as a learner sees them."""

import re

import pytest

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


def test_home_lists_every_module_in_order_and_links_to_faq_and_roadmap(client, content):
    html = text_of(client.get("/"))
    assert html.index("First module") < html.index("Second module")
    assert 'href="/modules/first-module/"' in html
    assert "In preparation" in html
    assert 'href="/faq/"' in html and 'href="/roadmap/"' in html


def test_home_shows_a_real_exercises_feedback_and_the_roadmap_at_a_glance(client, exercise):
    html = text_of(client.get("/"))
    example = html[html.index('class="practice-example"'):html.index("</section>", html.index('class="practice-example"'))]
    # One of the exercise's own known-wrong answers, graded by its grader: some checks pass, some do not.
    assert 'href="/exercises/answer-create/">Answer a create</a>' in example
    assert "HTTP/1.1 200 OK" in example or "200</span>" in example
    assert "1 of 2 checks pass" in example and "check--failed" in example and "check--passed" in example
    assert "Something new was made." in example  # the failed check's hint, as a learner would see it
    stage_map = html[html.index('class="stage-map"'):html.index("</ol>", html.index('class="stage-map"'))]
    assert 'href="/roadmap/#basics"' in stage_map and "2 weeks" in stage_map and "1 exercises" in stage_map


def test_module_page_has_every_module_in_its_sidebar_and_pagers_at_top_and_bottom(client, content):
    html = text_of(client.get("/modules/first-module/"))
    side = html[html.index('class="module-nav module-nav--side"'):html.index("</nav>", html.index("module-nav--side"))]
    assert 'href="/modules/first-module/" aria-current="page"' in side and 'href="/modules/second-module/"' in side
    assert 'href="#resources"' in side  # the current module open with its sections
    assert html.count('<nav class="pager') == 2 and html.count('rel="next"') == 2


def test_module_page_shows_objectives_reading_time_toc_and_body(client, content):
    response = client.get("/modules/first-module/")
    html = text_of(response)
    assert response.status_code == 200
    assert "<h1>First module</h1>" in html
    assert "Name resources" in html
    assert re.search(r"\d+ min read", html)
    toc = html[html.index('class="toc"'):html.index("</nav>", html.index('class="toc"'))]
    assert 'href="#resources"' in toc and 'href="#created"' in toc and 'href="#summary"' in toc
    assert '<h2 id="resources">' in html
    assert 'class="admonition mistake"' in html


def test_module_page_links_to_previous_and_next_modules(client, content):
    html = text_of(client.get("/modules/first-module/"))
    assert 'rel="next"' in html and 'href="/modules/second-module/"' in html
    assert 'rel="prev"' not in html
    html = text_of(client.get("/modules/second-module/"))
    assert 'rel="prev"' in html


def test_module_page_lists_faq_answers_and_roadmap_stages_that_point_to_it(client, content):
    html = text_of(client.get("/modules/first-module/"))
    assert 'href="/faq/#first-question"' in html
    assert 'href="/roadmap/#basics"' in html


def test_in_preparation_module_says_so(client, content):
    response = client.get("/modules/second-module/")
    assert response.status_code == 200
    assert "In preparation" in text_of(response)


def test_unknown_module_is_a_404_in_the_site_style(client, content, settings):
    settings.DEBUG = False
    response = client.get("/modules/no-such-thing/")
    assert response.status_code == 404
    html = text_of(response)
    assert "We could not find that page" in html
    assert "/modules/no-such-thing/" in html
    assert 'class="site-header"' in html


def test_renamed_module_answers_301_from_its_old_slug(client, content):
    content.module("01-first-module", title="First module", extra="aliases: [old-first]\n")
    response = client.get("/modules/old-first/")
    assert response.status_code == 301
    assert response["Location"] == "/modules/first-module/"


def test_the_remembered_language_is_selected_by_the_server(client, content):
    client.cookies["code_lang"] = "php"
    html = text_of(client.get("/modules/first-module/"))
    assert re.findall(r'aria-selected="true"[^>]*>([^<]+)<', html) == ["PHP"]


def test_a_junk_language_cookie_falls_back_to_the_default(client, content):
    client.cookies["code_lang"] = "<script>"
    html = text_of(client.get("/modules/first-module/"))
    assert re.findall(r'aria-selected="true"[^>]*>([^<]+)<', html) == ["TypeScript"]


def test_faq_questions_have_stable_anchors_open_without_javascript_and_link_to_their_module(client, content):
    html = text_of(client.get("/faq/"))
    assert '<details class="faq-item" id="first-question">' in html
    assert "<summary>" in html and "What is first?" in html
    assert 'href="/modules/first-module/#resources">Go deeper: First module</a>' in html


def test_roadmap_shows_stages_with_duration_topics_outcomes_modules_and_project(client, content):
    html = text_of(client.get("/roadmap/"))
    assert 'id="basics"' in html
    for expected in ("2 weeks", "HTTP", "Design an API", 'href="/modules/first-module/"', "Build a tiny API."):
        assert expected in html


def test_theme_cookie_is_rendered_on_the_html_element(client, content):
    client.cookies["theme"] = "dark"
    html = text_of(client.get("/"))
    assert '<html lang="en" data-theme="dark">' in html
    assert re.search(r'aria-pressed="true"[^>]*data-theme-choice="dark"', html)


def test_a_warm_module_page_makes_at_most_two_queries(client, content, django_assert_max_num_queries):
    client.get("/modules/first-module/")
    with django_assert_max_num_queries(2):
        response = client.get("/modules/first-module/")
    assert response.status_code == 200


def test_reading_pages_only_answer_get_and_head(client, content):
    response = client.post("/modules/first-module/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.head("/modules/first-module/").status_code == 200


def test_in_debug_a_content_edit_shows_on_the_next_request(client, content, settings):
    settings.CONTENT_WATCH = True
    assert "Welcome." in text_of(client.get("/"))
    content.write("home.md", "---\ntitle: Home\ndescription: D\n---\nFreshly edited.\n")
    import os
    stat = (content.root / "home.md").stat()
    os.utime(content.root / "home.md", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert "Freshly edited." in text_of(client.get("/"))


def test_in_debug_content_problems_are_shown_on_the_page(client, content, settings):
    settings.CONTENT_WATCH = True
    content.write("faq/02-bad.md", "---\nquestion: Q\nmodule: nowhere\n---\nA.\n")
    html = text_of(client.get("/"))
    assert "content problem" in html and "unknown module" in html


def test_roadmap_stages_list_the_exercises_of_their_modules(client, exercise):
    html = text_of(client.get("/roadmap/"))
    assert 'href="/exercises/answer-create/"' in html


def test_a_warm_module_page_with_a_learner_session_makes_at_most_two_queries(client, exercise, django_assert_max_num_queries):
    client.post("/exercises/answer-create/", {"snippet": "HTTP/1.1 200 OK\n"})
    client.get("/modules/first-module/")
    with django_assert_max_num_queries(2):
        response = client.get("/modules/first-module/")
    assert "Tried 1×" in text_of(response)
