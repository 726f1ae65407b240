"""Read one content file into a document, or into the problems that stop it."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .documents import FaqEntry, Module, Page, Problem, Source, Stage
from .extensions import builder_for, no_builder
from .frontmatter import FrontMatterError, parse_front_matter
from .rendering import render, render_inline
from .schema import FaqMeta, ModuleMeta, PageMeta, SchemaProblem, StageMeta, validate

PAGE_FILES = {"home.md": "home", "faq.md": "faq", "roadmap.md": "roadmap"}
SECTION_DIRS = {"modules": "module", "faq": "faq", "roadmap": "stage"}
NUMBERED_NAME = re.compile(r"^(?P<order>\d+)-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


@dataclass(frozen=True)
class Loaded:
    kind: str  # "module", "faq", "stage", "page", "exercise", or "" when nothing was read
    document: object | None
    problems: tuple[Problem, ...]


def content_files(root: Path) -> list[Path]:
    """Every Markdown file under `root` that is meant for readers."""
    return sorted(p for p in root.rglob("*.md") if p.is_file() and p.name != "README.md")


def content_stamps(root: Path) -> dict[str, tuple[int, int]]:
    """The files `content_files` finds, as path strings in its order, each with its (mtime_ns, size).

    One stat a file and no Path objects: a watching store calls this on every
    request, and at 1,000 files `content_files` and a stat of each took 12 ms
    of the 50 an edit may take to show; this takes 4.
    """
    found: list[tuple[tuple[str, ...], str, tuple[int, int]]] = []
    _walk(os.fspath(root), (), found)
    found.sort()  # by parts, as Paths sort
    return {path: stamp for _, path, stamp in found}


def _walk(folder: str, parts: tuple[str, ...], found: list) -> None:
    try:
        with os.scandir(folder) as entries:
            entries = list(entries)
    except OSError:  # as rglob: a folder that vanished or cannot be read holds nothing
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):  # rglob does not follow linked folders either
                _walk(entry.path, (*parts, entry.name), found)
                continue
            if not entry.name.endswith(".md") or entry.name == "README.md":
                continue
            info = entry.stat()  # follows a link to a file, as Path.is_file does
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.append(((*parts, entry.name), entry.path, (info.st_mtime_ns, info.st_size)))


def load_file(root: Path, path: Path, *, data: bytes | None = None) -> Loaded:
    """Parse, validate and render one file; never raises for bad content.

    `data` is the file's bytes when the caller already read them (the cache
    keys on exactly these, so a save between two reads cannot mismatch them).
    """
    relative = path.relative_to(root)
    kind, order, slug = _classify(relative)
    group = relative.parts[1] if kind == "exercise" else ""
    if not kind:
        return _fail(path, 1, "this file is not part of the content layout (see content/README.md)")
    if kind == "misnamed":
        return _fail(path, 1, f"name the file NN-slug.md (for example 03-{_suggest_slug(path.stem)}.md): "
                     "a number for the order, then a lower-case, hyphenated slug")
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fail(path, 1, f"the file is not valid UTF-8 (byte {exc.start})")
    text = text.replace("\r\n", "\n")
    try:
        front = parse_front_matter(text)
    except FrontMatterError as exc:
        return _fail(path, exc.line, exc.message)
    if kind == "exercise":
        builder = builder_for(kind)
        if builder is None:
            return _fail(path, 1, no_builder(kind))
        exercise, problems = builder(path, text, front, module=group, order=order, slug=slug)
        return Loaded(kind, exercise, tuple(problems))
    schema = {"module": ModuleMeta, "faq": FaqMeta, "stage": StageMeta, "page": PageMeta}[kind]
    try:
        meta = validate(schema, front)
    except SchemaProblem as exc:
        return Loaded(kind, None, tuple(Problem(path, line, message) for line, message in exc.problems))
    source = Source(path=path, text=text, body_line=front.body_line)
    prefix = f"{slug}-" if kind in ("faq", "stage") else ("intro-" if kind == "page" and slug != "home" else "")
    body = render(front.body, prefix=prefix)
    problems = tuple(Problem(path, front.body_line, message) for message in body.problems)
    document = _build(kind, meta, slug, order, body, source)
    return Loaded(kind, document, problems)


def _build(kind, meta, slug, order, body, source):
    if kind == "module":
        return Module(
            slug=slug, order=order, title=meta.title, summary=meta.summary, status=meta.status,
            objectives=tuple(render_inline(item) for item in meta.objectives),
            aliases=tuple(meta.aliases), body=body, source=source,
        )
    if kind == "faq":
        return FaqEntry(
            slug=slug, order=order, question=meta.question, module=meta.module, section=meta.section,
            aliases=tuple(meta.aliases), body=body, source=source,
        )
    if kind == "stage":
        return Stage(
            slug=slug, order=order, title=meta.title, duration=meta.duration, modules=tuple(meta.modules),
            topics=tuple(render_inline(item) for item in meta.topics),
            outcomes=tuple(render_inline(item) for item in meta.outcomes),
            project=render_inline(meta.project), body=body, source=source,
        )
    return Page(key=slug, title=meta.title, description=meta.description, body=body, source=source)


def _classify(relative: Path) -> tuple[str, int, str]:
    parts = relative.parts
    if len(parts) == 1 and parts[0] in PAGE_FILES:
        return "page", 0, PAGE_FILES[parts[0]]
    if len(parts) == 2 and parts[0] in SECTION_DIRS:
        match = NUMBERED_NAME.match(parts[1])
        if not match:
            return "misnamed", 0, ""
        return SECTION_DIRS[parts[0]], int(match["order"]), match["slug"]
    if len(parts) == 3 and parts[0] == "exercises":
        match = NUMBERED_NAME.match(parts[2])
        if not match:
            return "misnamed", 0, ""
        return "exercise", int(match["order"]), match["slug"]
    return "", 0, ""


def _suggest_slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"^\d+[-_ ]*", "", stem.lower())).strip("-") or "my-page"


def _fail(path: Path, line: int, message: str) -> Loaded:
    return Loaded("", None, (Problem(path, line, message),))
