"""A learner practising: write, submit, read feedback, jump to the line, pass."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/exercises/created-response/"


def test_submitting_swaps_in_feedback_and_a_line_reference_moves_the_editor(open_page):
    page = open_page(URL)
    expect(page.locator("#snippet")).to_be_hidden()  # CodeMirror took over; the textarea stays in the form
    editor = page.locator(".cm-content")
    expect(page.locator(".cm-lineNumbers")).to_be_visible()
    editor.fill("HTTP/1.1 201 Created\nContent-Type: application/json\nLocation /v1/orders/ord_123\n\n{}")
    page.get_by_role("button", name="Check my answer").click()
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("We could not read your answer.")
    expect(page).to_have_url(re.compile(URL + "$"))  # htmx: no navigation
    expect(page.locator(".cm-flagged-line")).to_have_count(1)  # the line the error names is tinted
    assert "Location /v1/orders" in page.locator(".cm-flagged-line").inner_text()
    feedback.locator(".line-ref").click()
    expect(editor).to_be_focused()
    caret_line = page.evaluate("() => { const v = window.apiArchitectEditor.view; return v.state.doc.lineAt(v.state.selection.main.head).number; }")
    assert caret_line == 3

    editor.fill("HTTP/1.1 201 Created\nLocation: /v1/orders/ord_123\nContent-Type: application/json\n\n{\"id\": \"ord_123\"}")
    editor.press("Control+Enter")
    expect(feedback).to_contain_text("checks pass. Well done.")
    expect(page.locator("#solution")).to_be_visible()
    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("HTTP/1.1 201 Created")
    expect(page.locator("#feedback")).to_contain_text("Well done.")


def test_the_editor_highlights_the_answer_tab_indents_and_escape_then_tab_leaves(open_page):
    page = open_page(URL)
    expect(page.locator("#editor-help")).to_contain_text("Tab indents; press Esc, then Tab, to leave the editor.")
    page.locator(".cm-content").click()
    assert page.locator(".cm-content [class*='tok-']").count() > 0
    page.keyboard.press("Control+Home")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('cm-content')") is True  # still in the editor
    assert page.locator("#snippet").input_value().startswith((" ", "\t"))  # the first line was indented
    # The editor's focus ring is the site's: same colour, width and offset as any focused control.
    ring = page.locator(".editor-cm").evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth, getComputedStyle(e).outlineOffset]")
    assert ring == ["solid", "3px", "2px"]
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('cm-content')") is False
    expect(page.get_by_role("button", name="Check my answer")).to_be_focused()


def test_without_javascript_a_submission_is_a_normal_post_with_the_same_feedback(open_page):
    page = open_page(URL, javascript=False)
    page.locator("#snippet").fill("HTTP/1.1 200 OK\n")
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#feedback")).to_contain_text("Expected 201 Created")
    expect(page.locator("#snippet")).to_have_value("HTTP/1.1 200 OK\n")
