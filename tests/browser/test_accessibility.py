"""axe-core finds no WCAG 2 A/AA violations on any page type, in either theme."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
MODULES = sorted(path.stem.split("-", 1)[1] for path in (Path(__file__).resolve().parents[2] / "content" / "modules").glob("*.md"))
EXERCISES = sorted(path.stem.split("-", 1)[1] for path in (Path(__file__).resolve().parents[2] / "content" / "exercises").glob("*/*.md"))
PAGES = ["/", "/modules/", *[f"/modules/{slug}/" for slug in MODULES], "/faq/", "/roadmap/", "/accounts/login/", "/accounts/signup/",
         *[f"/exercises/{slug}/" for slug in EXERCISES], "/search/?q=cache", "/search/", "/dashboard/", "/modules/no-such-module/"]
AXE_RUN = "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"


# Resolves once the page has kept still for 5 animation frames: focusing the feedback scrolls smoothly, and axe run
# mid-scroll finds the submit button half under the sticky header (a flaky target-size failure).
SCROLL_SETTLED = """() => new Promise(done => {
    let last = null, still = 0;
    const frame = () => {
        still = window.scrollY === last ? still + 1 : 0;
        last = window.scrollY;
        if (still >= 5) done(true); else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
})"""


def violations(page) -> list[str]:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # hidden parts are checked too
    page.evaluate(SCROLL_SETTLED)
    page.evaluate(AXE)  # through the debugger protocol: the page's CSP rightly refuses inline scripts
    result = page.evaluate(AXE_RUN)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


def test_every_exercise_in_the_course_is_checked():
    assert len(EXERCISES) >= 50 and "created-response" in EXERCISES


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_a_or_aa_violations(open_page, path, theme):
    page = open_page(path, color_scheme=theme, status=404 if "no-such" in path else 200)
    problems = violations(page)
    assert problems == [], f"{path} in the {theme} theme:\n" + "\n".join(problems)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_learners_own_pages_with_progress_have_no_violations(open_page, browser, live_server, theme):
    # Answer without JavaScript (plain form posts), then look with it: axe itself needs the page's timers.
    learner = open_page("/exercises/created-response/", javascript=False)
    for answer in ("HTTP/1.1 200 OK\n", "not a message", "HTTP/1.1 201 Created\n"):
        learner.locator("#snippet").fill(answer)
        learner.get_by_role("button", name="Check my answer").click()
    learner.goto("/modules/api-fundamentals/")
    learner.locator(".toc__mark").first.click()  # a section read: the dashboard and roadmap show reading progress
    context = browser.new_context(base_url=live_server.url, color_scheme=theme, storage_state=learner.context.storage_state())
    try:
        page = context.new_page()
        for path in ("/dashboard/", "/exercises/created-response/history/", "/roadmap/", "/modules/api-fundamentals/",
                     "/exercises/created-response/", "/progress/reset/?scope=exercise&target=created-response"):
            page.goto(path)
            problems = violations(page)
            assert problems == [], f"{path} in the {theme} theme:\n" + "\n".join(problems)
        page.goto("/dashboard/")
        assert page.locator(".progress-row__action a").count() == 1  # the pages above showed real progress
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path, shown", [("/exercises/created-response/", ".checks"),
                                         ("/exercises/create-then-read-scenario/", ".steps")])
def test_exercise_feedback_has_no_wcag_a_or_aa_violations(open_page, theme, path, shown):
    page = open_page(path, color_scheme=theme)
    page.get_by_role("button", name="Check my answer").click()
    page.locator(shown).wait_for()
    assert violations(page) == []
