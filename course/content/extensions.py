"""The seams other apps plug into content, filled when Django starts (in AppConfig.ready), as system checks are.

content/ is the ground floor: it reads Markdown and knows no app above it.
An app that defines a kind of document kept under content/ (exercises, in
content/exercises/) registers how to build one from its file, and any
checks that span the whole course (an exercise's links, anchors and
self-test); `check_content` and the store then run them without importing
that app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# builder(path, text, front, *, module, order, slug) -> (document or None, [Problem, ...])
Builder = Callable[..., tuple[Any, list]]
# check(course, anchors, *, self_test) -> [Problem, ...]
CrossCheck = Callable[..., list]

_builders: dict[str, Builder] = {}
_cross_checks: list[CrossCheck] = []


def builder_register(kind: str, builder: Builder) -> None:
    _builders[kind] = builder


def builder_for(kind: str) -> Builder | None:
    return _builders.get(kind)


def cross_check_register(check: CrossCheck) -> None:
    if check not in _cross_checks:
        _cross_checks.append(check)


def cross_checks() -> tuple[CrossCheck, ...]:
    return tuple(_cross_checks)


def no_builder(kind: str) -> str:
    return f"no installed app reads {kind} files, so this one was skipped"
