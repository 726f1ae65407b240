"""Checks that span documents: slugs, references between pages, links, anchors."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from .documents import Course, FaqEntry, Module, Page, Problem, Stage
from .extensions import cross_checks

REQUIRED_PAGES = {"home": "home.md", "faq": "faq.md", "roadmap": "roadmap.md"}
EXTERNAL_SCHEMES = ("http", "https", "mailto")


class CheckState:
    """What one cross-check keeps for the next, so that after an edit only what the edit can change is checked again.

    A re-read file gives new document objects and an unchanged one keeps its
    old ones (documents are frozen), so "the same object" means "not edited".
    A document's links are checked again when it is new, or when a site path
    one of them points at gained, lost or changed anchors, or an alias.
    """

    def __init__(self) -> None:
        self.sources: dict[str, list[tuple[object, str]]] = {}  # site path -> the documents whose anchors it offers
        self.anchors: dict[str, set[str]] = {}
        self.aliases: dict[str, str] = {}  # an old module path -> the path it moved to
        self.links: dict[int, tuple] = {}  # id(document) -> (document, its own path, paths it links to, problems)
        self.rules: dict[int, tuple] = {}  # id(module) -> (module, problems)


def cross_check(course: Course, *, self_test: bool = True, state: CheckState | None = None) -> list[Problem]:
    """Every problem that only shows when documents are read together.

    `self_test` also grades each exercise's own answers; a production process
    serving pages skips that work. `state`, kept from the previous check of
    an earlier version of this course, saves re-checking what did not change;
    the problems are the same with or without it.
    """
    state = CheckState() if state is None else state
    problems: list[Problem] = []
    for key, filename in REQUIRED_PAGES.items():
        if key not in course.pages:
            problems.append(Problem(course.root / filename, 1, f"{filename} is missing or unreadable; the site needs it"))
    problems += _duplicates(course)
    problems += _aliases(course)
    problems += _module_rules(course, state)
    problems += _references(course)
    anchors, changed = _anchors_kept(course, state)
    aliases = {f"/modules/{alias}/": module for module in course.modules for alias in module.aliases}
    moved = {path: module.url for path, module in aliases.items()}
    changed |= {path for path in moved.keys() | state.aliases.keys() if moved.get(path) != state.aliases.get(path)}
    state.aliases = moved
    problems += _links(course, anchors, aliases, changed, state)
    for check in cross_checks():  # registered by the apps whose documents live in content/ (exercises)
        problems += check(course, defaultdict(set, anchors), self_test=self_test)
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


def _module_rules(course: Course, state: CheckState) -> list[Problem]:
    problems, kept = [], {}
    for module in course.modules:
        before = state.rules.get(id(module))
        found = before[1] if before is not None and before[0] is module else _rules_of(module)
        kept[id(module)] = (module, found)
        problems += found
    state.rules = kept
    return problems


def _rules_of(module: Module) -> list[Problem]:
    problems = []
    if not module.is_published:
        return problems
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


_OFFERS = {  # what a document adds to the anchors of its site path
    "body": lambda document: document.body.ids,
    "prompt": lambda exercise: exercise.prompt.ids,
    "faq": lambda entry: {entry.slug, *entry.aliases, *entry.body.ids},
    "stage": lambda stage: {stage.slug, *stage.body.ids},
}


def _anchors_kept(course: Course, state: CheckState) -> tuple[dict[str, set[str]], set[str]]:
    """The anchors each site path offers, and the paths whose anchors differ from `state`'s; updates `state`."""
    sources: dict[str, list[tuple[object, str]]] = defaultdict(list)
    for key, page in course.pages.items():
        sources[_page_path(key)].append((page, "body"))
    for module in course.modules:
        sources[module.url].append((module, "body"))
    sources["/modules/"]
    for exercise in course.exercises:
        sources[exercise.url].append((exercise, "prompt"))
    for entry in course.faq:
        sources["/faq/"].append((entry, "faq"))
    for stage in course.stages:
        sources["/roadmap/"].append((stage, "stage"))
    anchors: dict[str, set[str]] = {}
    changed = set(state.anchors.keys() - sources.keys())
    for path, offered in sources.items():
        if state.sources.get(path) == offered:  # the same documents (identity first, in C), or equal ones: same anchors
            anchors[path] = state.anchors[path]
            continue
        anchors[path] = set().union(*(_OFFERS[kind](document) for document, kind in offered))
        if anchors[path] != state.anchors.get(path):
            changed.add(path)
    state.sources, state.anchors = dict(sources), anchors
    return anchors, changed


def _page_path(key: str) -> str:
    return "/" if key == "home" else f"/{key}/"


def _links(course: Course, anchors: dict[str, set[str]], aliases: dict, changed: set[str],
           state: CheckState) -> list[Problem]:
    documents: list[tuple[Module | FaqEntry | Stage | Page, str]] = (
        [(m, m.url) for m in course.modules]
        + [(e, "/faq/") for e in course.faq]
        + [(s, "/roadmap/") for s in course.stages]
        + [(p, _page_path(k)) for k, p in course.pages.items()]
    )
    documents += [(e, e.url) for e in course.exercises]
    problems, kept = [], {}
    for document, own_path in documents:
        before = state.links.get(id(document))
        if before is not None and before[0] is document and before[1] == own_path and before[2].isdisjoint(changed):
            found = before[3]
        else:
            found, targets = _links_of(document, own_path, anchors, aliases)
            before = (document, own_path, targets, found)
        kept[id(document)] = before
        problems += found
    state.links = kept
    return problems


def _links_of(document, own_path: str, anchors: dict[str, set[str]], aliases: dict) -> tuple[list[Problem], set[str]]:
    """The document's link problems, and every site path whose anchors or alias could change them."""
    problems, targets = [], set()
    for href in document.body.links:
        path = urlsplit(href).path or own_path
        targets |= {path, path + "/"}
        message = check_link(href, own_path, anchors, aliases)
        if message:
            line = document.source.line_of(f"]({href}", default=document.source.line_of(href))
            problems.append(Problem(document.source.path, line, message))
    return problems, targets


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
