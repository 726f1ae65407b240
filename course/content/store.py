"""The course in memory: read once per process, or re-read as authors edit.

In production (`watch=False`) the first request reads and renders the whole
tree and every later one is served from memory. While authoring
(`watch=True`, on with DEBUG) each access compares file stamps and re-reads
only the files that changed, so a save shows on the next request.

Files whose bytes were rendered before come from the on-disk cache
(cache.py); many files to render go to worker processes too (workers.py);
and the checks across documents after an edit re-check only what the edit
can have changed (validation.CheckState), so at 1,000 pages a save costs
about one page's rendering.
"""

from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from .cache import RenderCache
from .documents import Course, Problem
from .loader import Loaded, content_files, content_stamps, load_file
from .validation import CheckState, cross_check
from .workers import load_files


@dataclass(frozen=True)
class _Entry:
    stamp: tuple[int, int]
    loaded: Loaded


class ContentStore:
    def __init__(self, root: Path, *, watch: bool, cache_dir: Path | None = None) -> None:
        self.root = Path(root)
        self.watch = watch
        self.cache = RenderCache(cache_dir) if cache_dir else None
        self.reads = 0  # files parsed so far; lets tests prove only changes are re-read
        self._files: dict[str, _Entry] = {}  # by path string, in content_files order
        self._course: Course | None = None
        self._checked = CheckState()  # so an edit re-checks only what it can have changed
        self._lock = threading.Lock()

    def course(self) -> Course:
        """The current course; cheap after the first call."""
        course = self._course
        if course is not None and not self.watch:
            return course
        with self._lock:
            if self._course is None or (self.watch and self._refresh()):
                if self._course is None:
                    self._refresh()
                self._course = _assemble(self.root, [entry.loaded for entry in self._files.values()],
                                         self_test=self.watch, checked=self._checked)
            return self._course

    def _refresh(self) -> bool:
        """Re-read new and changed files, forget deleted ones; say if anything changed."""
        current = content_stamps(self.root) if self.root.is_dir() else {}
        files: dict[str, _Entry | None] = {}
        stale: list[tuple[str, tuple[int, int]]] = []
        for path, stamp in current.items():
            entry = self._files.get(path)
            if entry is None or entry.stamp != stamp:
                stale.append((path, stamp))
                entry = None
            files[path] = entry
        if not stale and len(files) == len(self._files):
            return False
        jobs, waiting = [], []
        with _collector_paused():
            for path, stamp in stale:
                self.reads += 1
                try:
                    with open(path, "rb") as file:
                        data = file.read()
                except FileNotFoundError:  # deleted since the scan: as if the scan had not seen it
                    del files[path]
                    continue
                except OSError:
                    data = None  # loading it says what is wrong
                key = self.cache.key(self.root, path, data) if self.cache is not None and data is not None else None
                loaded = self.cache.get(key) if key is not None else None
                if loaded is not None:
                    files[path] = _Entry(stamp, loaded)
                else:
                    jobs.append((Path(path), data))
                    waiting.append((path, stamp, key))
        # Many files to render (a cold start, new code) go to worker processes too; one edit is rendered here.
        for index, loaded, pickled in load_files(self.root, jobs):
            path, stamp, key = waiting[index]
            if key is not None:
                self.cache.put(key, loaded, pickled=pickled)
            files[path] = _Entry(stamp, loaded)
        self._files = files
        return True

    def forget(self, path: Path) -> None:
        """Drop one file so the next access re-reads it (used by the dev reloader)."""
        with self._lock:
            self._files.pop(os.fspath(path), None)


@contextmanager
def _collector_paused():
    # Unpickling a thousand cached pages makes some hundred thousand objects,
    # none of them garbage, and the collections they set off took a quarter
    # of a restart (0.24 -> 0.18 s at 1,000 pages).
    # Rendering, which does make garbage, runs after this, collector on.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_course(root: Path) -> Course:
    """Read the whole tree from scratch (used by check_content and benchmarks)."""
    root = Path(root)
    files = content_files(root) if root.is_dir() else []
    return _assemble(root, [load_file(root, path) for path in files])


def _assemble(root: Path, loaded: list[Loaded], *, self_test: bool = True, checked: CheckState | None = None) -> Course:
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem(root, 1, "content folder does not exist"))
    modules, faq, stages, exercises, pages = [], [], [], [], {}
    for item in loaded:
        problems.extend(item.problems)
        if item.document is None:
            continue
        if item.kind == "module":
            modules.append(item.document)
        elif item.kind == "faq":
            faq.append(item.document)
        elif item.kind == "stage":
            stages.append(item.document)
        elif item.kind == "exercise":
            exercises.append(item.document)
        else:
            pages[item.document.key] = item.document
    order = lambda document: (document.order, document.slug)  # noqa: E731
    course = Course(
        root=root,
        modules=tuple(sorted(modules, key=order)),
        faq=tuple(sorted(faq, key=order)),
        stages=tuple(sorted(stages, key=order)),
        pages=pages,
        problems=(),
        exercises=_in_module_order(exercises, modules),
    )
    problems.extend(cross_check(course, self_test=self_test, state=checked))
    problems.sort(key=lambda problem: (str(problem.path), problem.line, problem.message))
    object.__setattr__(course, "problems", tuple(problems))
    return course


def _in_module_order(exercises: list, modules: list) -> tuple:
    rank = {module.slug: module.order for module in modules}
    return tuple(sorted(exercises, key=lambda e: (rank.get(e.module, 10**6), e.module, e.order, e.slug)))


_store: ContentStore | None = None
_store_lock = threading.Lock()


def get_store() -> ContentStore:
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                _store = ContentStore(settings.CONTENT_DIR, watch=settings.CONTENT_WATCH,
                                      cache_dir=settings.CONTENT_CACHE_DIR)
    return _store


def get_course() -> Course:
    """The course for this process."""
    return get_store().course()


@receiver(setting_changed)
def _reset_on_settings_change(*, setting: str, **kwargs) -> None:
    global _store
    if setting in ("CONTENT_DIR", "CONTENT_WATCH", "CONTENT_CACHE_DIR"):
        _store = None
