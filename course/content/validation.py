"""Checks that span documents: slugs, references between pages, links, anchors."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from .documents import Course, FaqEntry, Module, Page, Problem, Stage
from .extensions import cross_checks

REQUIRED_PAGES = {"home": "home.md", "faq": "faq.md", "roadmap": "roadmap.md"}
EXTERNAL_SCHEMES = ("http", "https", "mailto")


def cross_check(course: Course, *, self_test: bool = True) -> list[Problem]:
    """Every problem that only shows when documents are read together.

    `self_test` also grades each exercise's own answers; a production process
    serving pages skips that work.
    """
    problems: list[Problem] = []
    for key, filename in REQUIRED_PAGES.items():
        if key not in course.pages:
            problems.append(Problem(course.root / filename, 1, f"{filename} is missing or unreadable; the site needs it"))
    problems += _duplicates(course)
    problems += _aliases(course)
    problems += _module_rules(course)
    problems += _references(course)
    problems += _links(course)
    anchors = _anchors(course)
    for check in cross_checks():  # registered by the apps whose documents live in content/ (exercises)
        problems += check(course, anchors, self_test=self_test)
    return problems


def _duplicates(course: Course) -> list[Problem]:
    problems = []
    for label, documents in (("module", course.modules), ("FAQ question", course.faq), ("roadmap stage", course.stages)):
        seen: dict[str, object] = {}
        orders: dict[int, object] = {}
        for document in documents:
            if document.slug in seen:
                other = seen[document.slug].source.path.name
                problems.append(Problem(document.source.path, 1, f"duplicate {label} slug '{document.slug}' (also {other})"))
            seen[document.slug] = document
            if document.order in orders:
                other = orders[document.order].source.path.name
                problems.append(Problem(document.source.path, 1,
                                        f"{label} number {document.order:02d} is also used by {other}; the order is ambiguous"))
            orders[document.order] = document
    return problems


def _aliases(course: Course) -> list[Problem]:
    problems = []
    slugs = {module.slug for module in course.modules}
    claimed: dict[str, Module] = {}
    for module in course.modules:
        for alias in module.aliases:
            line = _front_line(module.source, alias)
            if alias in slugs:
                problems.append(Problem(module.source.path, line, f"alias '{alias}' is the slug of an existing module"))
            elif alias in claimed:
                problems.append(Problem(module.source.path, line,
                                        f"alias '{alias}' is also claimed by {claimed[alias].source.path.name}"))
            claimed[alias] = module
    return problems


def _module_rules(course: Course) -> list[Problem]:
    problems = []
    for module in course.modules:
        if not module.is_published:
            continue
        path = module.source.path
        if len(module.objectives) < 3:
            problems.append(Problem(path, _front_line(module.source, "objectives:"),
                                    "a published module needs at least 3 learning objectives"))
        if not any(heading.title.strip().lower() == "summary" for heading in module.body.toc):
            problems.append(Problem(path, module.source.body_line, "a published module needs a '## Summary' section"))
        if 'class="admonition mistake' not in module.body.html:
            problems.append(Problem(path, module.source.body_line,
                                    "a published module needs at least one '!!! mistake' callout"))
    return problems


def _references(course: Course) -> list[Problem]:
    problems = []
    for entry in course.faq:
        module = course.module(entry.module)
        if module is None:
            problems.append(Problem(entry.source.path, _front_line(entry.source, "module:"),
                                    f"FAQ answer points to unknown module '{entry.module}'{_did_you_mean(course, entry.module)}"))
        elif entry.section and entry.section not in module.body.ids:
            problems.append(Problem(entry.source.path, _front_line(entry.source, "section:"),
                                    f"module '{module.slug}' has no section with the anchor '#{entry.section}'"))
    for stage in course.stages:
        for slug in stage.modules:
            if course.module(slug) is None:
                problems.append(Problem(stage.source.path, _front_line(stage.source, slug),
                                        f"roadmap stage names unknown module '{slug}'{_did_you_mean(course, slug)}"))
    return problems


def _did_you_mean(course: Course, slug: str) -> str:
    import difflib

    guess = difflib.get_close_matches(slug, [module.slug for module in course.modules], n=1)
    return f"; did you mean '{guess[0]}'?" if guess else ""


def _front_line(source, needle: str) -> int:
    index = source.text.find(needle)
    return source.text.count("\n", 0, index) + 1 if 0 <= index else 1


def _anchors(course: Course) -> dict[str, set[str]]:
    """The anchors each site path offers."""
    anchors: dict[str, set[str]] = defaultdict(set)
    for key, page in course.pages.items():
        path = "/" if key == "home" else f"/{key}/"
        anchors[path] |= page.body.ids
    for module in course.modules:
        anchors[module.url] |= module.body.ids
    anchors["/modules/"]
    for exercise in course.exercises:
        anchors[exercise.url] |= exercise.prompt.ids
    for entry in course.faq:
        anchors["/faq/"] |= {entry.slug, *entry.aliases, *entry.body.ids}
    for stage in course.stages:
        anchors["/roadmap/"] |= {stage.slug, *stage.body.ids}
    return anchors


def _links(course: Course) -> list[Problem]:
    anchors = _anchors(course)
    aliases = {f"/modules/{alias}/": module for module in course.modules for alias in module.aliases}
    problems = []
    documents: list[tuple[Module | FaqEntry | Stage | Page, str]] = (
        [(m, m.url) for m in course.modules]
        + [(e, "/faq/") for e in course.faq]
        + [(s, "/roadmap/") for s in course.stages]
        + [(p, "/" if k == "home" else f"/{k}/") for k, p in course.pages.items()]
    )
    documents += [(e, e.url) for e in course.exercises]
    for document, own_path in documents:
        for href in document.body.links:
            message = check_link(href, own_path, anchors, aliases)
            if message:
                line = document.source.line_of(f"]({href}", default=document.source.line_of(href))
                problems.append(Problem(document.source.path, line, message))
    return problems


def check_link(href: str, own_path: str, anchors: dict[str, set[str]], aliases: dict) -> str | None:
    parts = urlsplit(href)
    if parts.scheme in EXTERNAL_SCHEMES:
        return None
    if parts.scheme or parts.netloc:
        return f"link '{href}' uses an unsupported scheme; use https:// or a site path"
    path = parts.path or own_path
    if not path.startswith("/"):
        return f"link '{href}' is relative; link by site path, e.g. /modules/api-fundamentals/"
    if path in aliases:
        return f"link '{href}' uses an old slug; link to {aliases[path].url} instead"
    if path not in anchors:
        if path + "/" in anchors:
            return f"link '{href}' needs a trailing slash: {path}/" + (f"#{parts.fragment}" if parts.fragment else "")
        return f"link '{href}' points to a page that does not exist"
    if parts.fragment and parts.fragment not in anchors[path]:
        return f"link '{href}' points to an anchor '#{parts.fragment}' that does not exist on {path}"
    return None
