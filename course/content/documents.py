"""What the course is made of, as read from `content/`: frozen, rendered once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .rendering import Rendered


@dataclass(frozen=True)
class Problem:
    """A content problem an author must fix, printed as `path:line: message`."""

    path: Path
    line: int
    message: str

    def format(self, base: Path | None = None) -> str:
        """`path:line: message`, the path relative to `base` when it lies below it."""
        path = self.path
        if base is not None and path.is_relative_to(base):
            path = path.relative_to(base)
        return f"{path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Source:
    """Where a document came from, to point authors at the right line."""

    path: Path
    text: str
    body_line: int

    def line_of(self, needle: str, default: int | None = None) -> int:
        """The file line on which `needle` first appears in the body."""
        body_start = self._body_offset()
        index = self.text.find(needle, body_start)
        if index == -1:
            return default if default is not None else self.body_line
        return self.text.count("\n", 0, index) + 1

    def _body_offset(self) -> int:
        offset = 0
        for _ in range(self.body_line - 1):
            offset = self.text.find("\n", offset) + 1
        return offset


@dataclass(frozen=True)
class Module:
    slug: str
    order: int
    title: str
    summary: str
    status: str
    objectives: tuple[str, ...]  # rendered inline HTML
    aliases: tuple[str, ...]
    body: Rendered
    source: Source = field(repr=False, compare=False)

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def url(self) -> str:
        return f"/modules/{self.slug}/"


@dataclass(frozen=True)
class FaqEntry:
    slug: str
    order: int
    question: str
    module: str
    section: str | None
    aliases: tuple[str, ...]
    body: Rendered
    source: Source = field(repr=False, compare=False)

    @property
    def url(self) -> str:
        return f"/faq/#{self.slug}"


@dataclass(frozen=True)
class Stage:
    slug: str
    order: int
    title: str
    duration: str
    modules: tuple[str, ...]
    topics: tuple[str, ...]  # rendered inline HTML
    outcomes: tuple[str, ...]  # rendered inline HTML
    project: str  # rendered inline HTML
    body: Rendered
    source: Source = field(repr=False, compare=False)

    @property
    def url(self) -> str:
        return f"/roadmap/#{self.slug}"


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    description: str
    body: Rendered
    source: Source = field(repr=False, compare=False)


@dataclass(frozen=True)
class Course:
    """Everything readers see, plus the problems found while reading it."""

    root: Path
    modules: tuple[Module, ...]
    faq: tuple[FaqEntry, ...]
    stages: tuple[Stage, ...]
    pages: dict[str, Page]
    problems: tuple[Problem, ...]
    exercises: tuple = ()  # course.exercises.spec.Exercise, in module then file order

    def __post_init__(self) -> None:
        by_slug = {module.slug: module for module in self.modules}
        by_alias = {alias: module for module in self.modules for alias in module.aliases if alias not in by_slug}
        object.__setattr__(self, "_by_slug", by_slug)
        object.__setattr__(self, "_by_alias", by_alias)
        exercises = {exercise.slug: exercise for exercise in self.exercises}
        exercise_aliases = {alias: e for e in self.exercises for alias in e.aliases if alias not in exercises}
        object.__setattr__(self, "_exercises", exercises)
        object.__setattr__(self, "_exercise_aliases", exercise_aliases)

    def exercise(self, slug: str):
        return self._exercises.get(slug)

    def exercise_for_alias(self, slug: str):
        return self._exercise_aliases.get(slug)

    def exercise_after(self, exercise):
        """The exercise that follows `exercise` in the course (module order, then file order), or None."""
        index = next((i for i, e in enumerate(self.exercises) if e is exercise), len(self.exercises))
        return self.exercises[index + 1] if index + 1 < len(self.exercises) else None

    def exercises_for_module(self, slug: str) -> tuple:
        return tuple(exercise for exercise in self.exercises if exercise.module == slug)

    def module(self, slug: str) -> Module | None:
        return self._by_slug.get(slug)

    def module_for_alias(self, slug: str) -> Module | None:
        return self._by_alias.get(slug)

    def neighbours(self, module: Module) -> tuple[Module | None, Module | None]:
        index = self.modules.index(module)
        previous = self.modules[index - 1] if index > 0 else None
        following = self.modules[index + 1] if index + 1 < len(self.modules) else None
        return previous, following

    def faq_for_module(self, slug: str) -> tuple[FaqEntry, ...]:
        return tuple(entry for entry in self.faq if entry.module == slug)

    def stages_for_module(self, slug: str) -> tuple[Stage, ...]:
        return tuple(stage for stage in self.stages if slug in stage.modules)

    @property
    def page_count(self) -> int:
        return len(self.modules) + len(self.faq) + len(self.stages) + len(self.pages) + len(self.exercises)
