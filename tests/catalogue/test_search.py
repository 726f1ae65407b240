"""Search: a real full-text engine over sections, FAQ, roadmap and exercises; safe with any input."""

import re

import pytest

pytestmark = pytest.mark.django_db


def results(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    return re.findall(r'<h2 class="search-hit__title"><a href="([^"]+)">([^<]+)</a>', html)


def test_a_heading_match_ranks_above_a_mention_in_text_and_links_to_its_anchor(client, content):
    content.module("01-first-module", title="First module", body=(
        "## Caching basics {#caching}\n\nKeep copies close.\n\n"
        "## Status codes\n\nA 304 answer saves bandwidth, which is the point of caching at all.\n"))
    found = results(client.get("/search/", {"q": "caching"}))
    assert found[:2] == [("/modules/first-module/#caching", "Caching basics"), ("/modules/first-module/#status-codes", "Status codes")]


def test_faq_roadmap_and_exercises_are_searched_with_marked_excerpts(client, content, exercise):
    page = client.get("/search/", {"q": "first thing"}).content.decode()
    assert '<a href="/faq/#first-question">What is first?</a>' in page
    assert "The <mark>first</mark> <mark>thing</mark>" in page
    assert ("/roadmap/#basics", "Basics") in results(client.get("/search/", {"q": "matters"}))
    assert ("/exercises/answer-create/", "Answer a create") in results(client.get("/search/", {"q": "created order"}))


def test_the_last_word_may_be_the_start_of_one_and_stems_match(client, content):
    assert ("/modules/first-module/#resources", "Resources") in results(client.get("/search/", {"q": "resou"}))
    assert ("/modules/first-module/#resources", "Resources") in results(client.get("/search/", {"q": "noun verb"}))


@pytest.mark.parametrize("query", ['"', "NEAR(a b)", "a OR", "*", "title:x", "'; DROP TABLE docs; --", "\x00",
                                   "²", "x" * 5000, "<script>alert(1)</script>"])
def test_any_input_answers_200_and_nothing_is_injected(client, content, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_bytes_that_are_not_utf8_or_a_lone_surrogate_answer_200(client, content):
    for raw in ("%ED%A0%80", "%FF%FE", "%00"):
        assert client.get(f"/search/?q={raw}").status_code == 200


def test_no_match_says_so_and_an_empty_query_shows_just_the_form(client, content):
    assert "Nothing in the course matches" in client.get("/search/", {"q": "zebra"}).content.decode()
    page = client.get("/search/").content.decode()
    assert 'name="q"' in page and "Nothing in the course" not in page


def test_htmx_gets_only_the_results_fragment(client, content):
    response = client.get("/search/", {"q": "resources"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="search-results"') and "<header" not in html
    assert results(response)


def test_every_page_links_to_search_without_javascript(client, content):
    assert 'href="/search/"' in client.get("/modules/").content.decode()
