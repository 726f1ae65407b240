"""axe-core finds no WCAG 2 A/AA violations on any page type, in either theme."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
MODULES = sorted(path.stem.split("-", 1)[1] for path in (Path(__file__).resolve().parents[2] / "content" / "modules").glob("*.md"))
PAGES = ["/", "/modules/", *[f"/modules/{slug}/" for slug in MODULES], "/faq/", "/roadmap/", "/accounts/login/", "/accounts/signup/",
         "/exercises/created-response/", "/exercises/idempotency-key-handler/", "/exercises/create-then-read-scenario/",
         "/search/?q=cache", "/modules/no-such-module/"]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_a_or_aa_violations(open_page, path, theme):
    page = open_page(path, color_scheme=theme, status=404 if "no-such" in path else 200)
    # Open every collapsible so hidden answers are checked too.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.evaluate(AXE)  # through the debugger protocol: the page's CSP rightly refuses inline scripts
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    problems = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]
    assert problems == [], f"{path} in the {theme} theme:\n" + "\n".join(problems)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path, shown", [("/exercises/created-response/", ".checks"),
                                         ("/exercises/create-then-read-scenario/", ".steps")])
def test_exercise_feedback_has_no_wcag_a_or_aa_violations(open_page, theme, path, shown):
    page = open_page(path, color_scheme=theme)
    page.get_by_role("button", name="Check my answer").click()
    page.locator(shown).wait_for()
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.evaluate(AXE)  # through the debugger protocol: the page's CSP rightly refuses inline scripts
    result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})")
    assert [violation["id"] for violation in result["violations"]] == []
