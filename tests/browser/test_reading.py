"""Journeys a reader takes: choosing a code language, a theme, reading the FAQ."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def selected_languages(page) -> set[str]:
    return set(page.locator('.code-tabs [role="tab"][aria-selected="true"]').all_inner_texts())


def test_a_chosen_code_language_follows_the_reader_to_other_pages_and_survives_a_reload(open_page):
    page = open_page("/")
    page.get_by_role("link", name="Start with API fundamentals").click()
    expect(page).to_have_url(re.compile(r"/modules/api-fundamentals/$"))
    groups = page.locator(".code-tabs")
    assert groups.count() >= 3
    groups.nth(1).get_by_role("tab", name="PHP").click()
    assert selected_languages(page) == {"PHP"}
    visible = page.locator('.code-tabs [role="tabpanel"]:visible')
    assert visible.count() == groups.count()
    assert set(visible.evaluate_all("panels => panels.map(p => p.dataset.lang)")) == {"php"}

    page.goto("/roadmap/")
    expect(page.locator('.code-tabs [role="tab"][aria-selected="true"]').first).to_have_text("PHP")
    page.reload()
    expect(page.locator('.code-tabs [role="tab"][aria-selected="true"]').first).to_have_text("PHP")


def test_code_tabs_work_from_the_keyboard(open_page):
    page = open_page("/modules/api-fundamentals/")
    first_group = page.locator(".code-tabs").first
    first_group.get_by_role("tab", name="TypeScript").focus()
    page.keyboard.press("ArrowRight")
    expect(first_group.get_by_role("tab", name="Python")).to_be_focused()
    expect(first_group.get_by_role("tab", name="Python")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("End")
    expect(first_group.get_by_role("tab", name="C#")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(first_group.get_by_role("tab", name="TypeScript")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowLeft")
    expect(first_group.get_by_role("tab", name="C#")).to_have_attribute("aria-selected", "true")
    # Tab moves focus out of the tablist into the panel's content, not to the next tab.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") != "tab"


def test_without_javascript_a_tab_click_posts_the_choice_and_the_server_selects_it(open_page):
    page = open_page("/modules/api-fundamentals/", javascript=False)
    page.locator(".code-tabs").first.get_by_role("tab", name="C#").click()
    expect(page).to_have_url(re.compile(r"/modules/api-fundamentals/#tabs-1$"))
    assert selected_languages(page) == {"C#"}


def test_the_theme_follows_the_os_and_a_chosen_theme_survives_a_reload(open_page):
    page = open_page("/", color_scheme="dark")
    background = lambda: page.evaluate("getComputedStyle(document.body).backgroundColor")  # noqa: E731
    dark = background()
    page.get_by_role("button", name="Light").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    light = background()
    assert light != dark and light == "rgb(255, 255, 255)"
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert background() == light
    expect(page.get_by_role("button", name="Light")).to_have_attribute("aria-pressed", "true")


def test_a_faq_link_with_an_anchor_opens_that_answer(open_page):
    page = open_page("/faq/#put-vs-patch")
    expect(page.locator("details#put-vs-patch")).to_have_attribute("open", "")
    expect(page.locator("details#idempotency")).not_to_have_attribute("open", "")
    page.locator("details#idempotency summary").click()
    expect(page.locator("details#idempotency")).to_have_attribute("open", "")
