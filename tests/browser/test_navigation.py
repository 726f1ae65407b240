"""Finding one's way: the phone layout and its menu, the module sidebar, the table of contents, code blocks."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = 390
# One of every page type a learner can reach.
PAGE_TYPES = ["/", "/modules/", "/modules/api-fundamentals/", "/modules/ai-powered-apis/", "/faq/", "/roadmap/",
              "/search/?q=idempotency", "/search/", "/exercises/created-response/", "/exercises/idempotency-key-handler/",
              "/exercises/create-then-read-scenario/", "/exercises/openapi-paginated-invoices/", "/accounts/login/",
              "/accounts/signup/", "/accounts/password/reset/", "/dashboard/", "/progress/reset/?scope=all",
              "/modules/no-such-module/"]
WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && getComputedStyle(el).position !== 'fixed'
                  && !el.closest('pre, .table-scroll, .cm-scroller, [role="tablist"], .http-text, .printed__text, .visually-hidden'))
    .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''));
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_page_is_wider_than_a_phone_and_the_header_stays_short(open_page, path, javascript):
    page = open_page(path, width=PHONE, javascript=javascript, status=404 if "no-such" in path else 200)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, page.evaluate(WIDER_THAN_SCREEN)
    assert page.evaluate(WIDER_THAN_SCREEN) == []
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
    assert page.locator(".site-header").bounding_box()["height"] <= 64


def test_the_phone_menu_opens_without_javascript_and_reaches_every_part_of_the_site(open_page):
    page = open_page("/modules/api-fundamentals/", width=PHONE, javascript=False)
    expect(page.locator(".site-nav").first).to_be_hidden()  # the wide header's links are not shown at 390 px
    menu = page.locator(".site-menu")
    menu.locator("summary").click()
    for name in ("Modules", "Roadmap", "FAQ", "Search", "Your progress", "Log in", "Sign up"):
        expect(menu.get_by_role("link", name=name, exact=False).first).to_be_visible()
    expect(menu.get_by_role("button", name="Dark")).to_be_visible()  # the theme switch is in it too
    menu.get_by_role("link", name="Roadmap").click()
    expect(page).to_have_url(re.compile(r"/roadmap/$"))
    page.get_by_role("link", name="Search").first.click()  # the search icon stays in the short header
    expect(page).to_have_url(re.compile(r"/search/$"))


def test_the_module_sidebar_lists_every_module_with_the_current_one_open(open_page):
    page = open_page("/modules/performance-caching/", width=1440)
    sidebar = page.locator(".module-nav--side")
    expect(sidebar).to_be_visible()
    assert sidebar.locator(".module-nav__list > li").count() == page.evaluate(
        "document.querySelectorAll('.module-nav--compact .module-nav__list > li').length") >= 11
    current = sidebar.locator("a[aria-current='page']")
    expect(current).to_contain_text("Performance & caching")
    sections = sidebar.locator(".module-nav__current .module-nav__sections a")
    assert sections.count() == page.locator(".toc > ol > li").count() > 3  # its sections, and only its own
    sections.nth(2).click()
    expect(page).to_have_url(re.compile(r"#" + re.escape(sections.nth(2).get_attribute("href")[1:]) + "$"))
    # Narrower, the same list folds into "All modules" at the top of the page; without JS too.
    narrow = open_page("/modules/performance-caching/", width=PHONE, javascript=False)
    expect(narrow.locator(".module-nav--side")).to_be_hidden()
    narrow.get_by_text("All modules").click()
    narrow.locator(".module-nav--compact").get_by_role("link", name="Data architecture").click()
    expect(narrow).to_have_url(re.compile(r"/modules/data-architecture/$"))


def test_previous_and_next_module_are_at_the_top_and_the_bottom(open_page):
    page = open_page("/modules/backend-architecture/")
    pagers = page.locator("nav.pager")
    assert pagers.count() == 2
    top = pagers.first.bounding_box()["y"]
    assert top < 900 and pagers.last.bounding_box()["y"] > 5000  # one on the first screen, one after the text
    for pager in (pagers.first, pagers.last):
        expect(pager.locator("a[rel='prev']")).to_contain_text("API fundamentals")
        expect(pager.locator("a[rel='next']")).to_contain_text("Authentication")


def test_the_table_of_contents_marks_the_section_being_read(open_page):
    page = open_page("/modules/api-fundamentals/")
    links = page.locator(".toc > ol > li > .toc__row > a")
    target = links.nth(4).get_attribute("href")
    page.locator(target).scroll_into_view_if_needed()
    page.evaluate(f"document.querySelector('{target}').scrollIntoView({{block: 'start'}})")
    expect(page.locator(f".toc a[href='{target}']")).to_have_attribute("aria-current", "true")
    assert page.locator(".toc a[aria-current='true']").count() == 1


def test_code_blocks_say_their_language_and_copy_their_code(open_page):
    page = open_page("/modules/api-fundamentals/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    block = page.locator(".prose .highlight[data-lang='HTTP']").first
    label = block.evaluate("b => getComputedStyle(b, '::before').content")
    assert label == '"HTTP"'
    block.scroll_into_view_if_needed()
    expect(block.get_by_role("button", name="Copy the HTTP code")).to_be_visible()
    button = block.locator(".code-copy")
    button.click()
    expect(button).to_have_text("Copied")  # read out: the button is a polite live region
    code = block.locator("pre code").inner_text().rstrip("\n")
    assert page.evaluate("navigator.clipboard.readText()") == code
    # Every block has one, including those inside code tabs.
    assert page.locator(".prose .highlight").count() == page.locator(".prose .highlight .code-copy").count() > 10


def test_without_javascript_code_blocks_keep_their_label_and_have_no_dead_button(open_page):
    page = open_page("/modules/api-fundamentals/", javascript=False)
    assert page.locator(".code-copy").count() == 0
    block = page.locator(".prose .highlight[data-lang]").first
    assert block.evaluate("b => getComputedStyle(b, '::before').content") not in ("none", "normal", '""')
