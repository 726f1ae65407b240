"""Page weight (issue 19): what a reading page makes the browser fetch besides its HTML."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

BUDGET = 40 * 1024  # CSS + JS of a reading page, gzip-compressed


def assets(html: str) -> list[str]:
    found = re.findall(r'<link rel="stylesheet" href="/static/([^"?]+)', html) + re.findall(r'<script[^>]* src="/static/([^"?]+)', html)
    assert found, "no stylesheet or script found on the page"
    return found


def gzipped_size(path: str) -> int:
    located = finders.find(path)
    assert located, f"{path} is linked but not found"
    with open(located, "rb") as file:
        return len(gzip.compress(file.read(), compresslevel=9))


@pytest.mark.parametrize("path", ["/", "/modules/first-module/", "/faq/", "/roadmap/", "/search/?q=status"])
def test_a_reading_page_loads_at_most_40_kb_of_css_and_js_and_no_editor_or_fonts(client, content, path):
    linked = assets(client.get(path).content.decode())
    assert not any("editor" in asset for asset in linked), linked  # CodeMirror only on exercise pages
    total = sum(gzipped_size(asset) for asset in linked)
    assert total <= BUDGET, f"{total:,} bytes gzip: {linked}"
    for asset in linked:
        if asset.endswith(".css"):
            with open(finders.find(asset), encoding="utf-8") as file:
                assert "@font-face" not in file.read(), f"{asset} loads a web font"


def test_the_exercise_page_adds_the_editor(client, exercise):
    assert any("editor" in asset for asset in assets(client.get("/exercises/answer-create/").content.decode()))
