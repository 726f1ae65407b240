"""An anonymous learner passes an exercise, signs up, and finds it all on the dashboard; then resets the module."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

EXERCISE = "/exercises/created-response/"
RIGHT = 'HTTP/1.1 201 Created\nLocation: /v1/orders/ord_123\nContent-Type: application/json\n\n{"id": "ord_123"}'


def test_anonymous_work_follows_the_learner_into_a_new_account(open_page):
    page = open_page(EXERCISE)
    editor = page.locator(".cm-content")
    editor.fill("HTTP/1.1 200 OK\nContent-Type: application/json\n\n{}")
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#feedback")).to_contain_text("checks pass.")
    editor.fill(RIGHT)
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#feedback")).to_contain_text("Well done.")

    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery-9")
    page.get_by_label("Password confirmation").fill("correct-horse-battery-9")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("everything you did before signing up is in it")).to_be_visible()

    page.goto("/dashboard/")
    fundamentals = page.locator("section[aria-labelledby=by-module] .progress-row", has_text="API fundamentals")
    expect(fundamentals).to_contain_text(re.compile(r"1 of \d+ exercises"))
    expect(page.locator("section[aria-labelledby=recent] ul").first).to_contain_text("Answer a request that created an order")

    page.goto(EXERCISE + "history/")
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("✗→✓ status")
    rows.nth(1).get_by_role("link", name="Open in the editor").click()
    expect(page.locator(".cm-content")).to_contain_text("HTTP/1.1 200 OK")

    page.goto("/progress/reset/?scope=module&target=api-fundamentals")
    page.get_by_label("Yes, reset API fundamentals").check()
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_text("2 attempts removed")).to_be_visible()
    expect(page.locator("section[aria-labelledby=by-module] .progress-row", has_text="API fundamentals")).to_contain_text(re.compile(r"0 of \d+ exercises"))
