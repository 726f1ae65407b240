"""Shared fixtures: a small, valid content tree that tests can break on purpose."""

from __future__ import annotations

import textwrap
from pathlib import Path

import os

import pytest
from hypothesis import settings as hypothesis_settings

# CI runs the property tests with a fixed seed, so a landing is reproducible;
# locally they explore new inputs on every run.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

MODULE_BODY = """\
Intro paragraph with a [link to the FAQ](/faq/#first-question).

## Resources {#resources}

Nouns, not verbs. See [status codes](#status-codes).

=== "TypeScript"

    ```ts
    app.get("/v1/orders", list);
    ```

=== "Python"

    ```python
    @app.get("/v1/orders")
    def list_orders(): ...
    ```

=== "PHP"

    ```php
    Route::get('/v1/orders', [OrderController::class, 'index']);
    ```

=== "C#"

    ```csharp
    app.MapGet("/v1/orders", ListOrders);
    ```

!!! mistake "Verbs in paths"
    `/getOrders` is a verb.

## Status codes

### Created

Use 201.

## Summary

- Nouns.
"""


class ContentTree:
    """Writes content files under a temporary root, Markdown dedented."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def module(self, name: str, *, title: str = "A module", status: str = "published", body: str = MODULE_BODY,
               extra: str = "") -> Path:
        objectives = "objectives:\n  - Name resources\n  - Pick status codes\n  - Version an API\n"
        return self.write(
            f"modules/{name}.md",
            f"---\ntitle: {title}\nsummary: What {title} teaches.\nstatus: {status}\n{objectives}{extra}---\n{body}",
        )


@pytest.fixture
def content(tmp_path, settings) -> ContentTree:
    """A valid two-module course under tmp_path, used as settings.CONTENT_DIR."""
    root = tmp_path / "content"
    tree = ContentTree(root)
    tree.write("home.md", "---\ntitle: Home\ndescription: The home page.\n---\nWelcome.\n")
    tree.write("faq.md", "---\ntitle: FAQ\ndescription: Questions.\n---\nAsk away.\n")
    tree.write("roadmap.md", "---\ntitle: Roadmap\ndescription: The path.\n---\nStart here.\n")
    tree.module("01-first-module", title="First module")
    tree.module("02-second-module", title="Second module", status="in-preparation", body="")
    tree.write(
        "faq/01-first-question.md",
        "---\nquestion: What is first?\nmodule: first-module\nsection: resources\n---\n"
        "The first thing. Read [more](/modules/first-module/#resources).\n",
    )
    tree.write(
        "roadmap/01-basics.md",
        "---\ntitle: Basics\nduration: 2 weeks\nmodules: [first-module]\ntopics: [HTTP]\n"
        "outcomes: [Design an API]\nproject: Build a tiny API.\n---\nWhy it matters.\n",
    )
    settings.CONTENT_DIR = root
    settings.CONTENT_WATCH = False
    return tree


EXERCISE = '''---
title: Answer a create
kind: http-response
hint: General hint text.
checks:
  - id: status
    rule: status
    expect: 201
    teaches: /modules/first-module/#created
    hint: Something new was made.
  - id: location
    rule: header
    name: Location
    teaches: /modules/first-module/#resources
---
Write the response for a created order.

```http starter
HTTP/1.1 200 OK
```

```http solution
HTTP/1.1 201 Created
Location: /v1/orders/1
```

```http wrong fails=status
HTTP/1.1 200 OK
Location: /v1/orders/1
```

```http wrong fails=location
HTTP/1.1 201 Created
```
'''


@pytest.fixture
def exercise(content) -> Path:
    """One valid exercise, `answer-create`, in the first module."""
    return content.write("exercises/first-module/01-answer-create.md", EXERCISE)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with no hits counted in this process (Redis tests use keys of their own)."""
    from course.operations.ratelimit import limiter

    limiter.local.clear()
    yield
    limiter.local.clear()
