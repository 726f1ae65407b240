"""Rendering many content files at once: this process and worker processes share the cores.

A cold start (an empty cache, new code, a large pull) renders every file; one
core took 30 s for 1,000 pages. With more than `POOL_MIN_FILES` to render,
the files go in chunks to `cores - 1` worker processes and this process
renders chunks too (a renderer a core), from the other end, taking back any
chunk no worker has started, so a worker slow to start delays nothing. Fewer
files, or one core, and they are rendered here: an edit never starts a pool.
The gain needs idle cores; on cores already busy it is nil.

A process with no other thread (manage.py, a benchmark) forks its workers:
they start at once with everything loaded. A multi-threaded one (gunicorn's
gthread workers, runserver) spawns them, since a forked child could inherit
a lock another thread held; each then starts Python and Django (about a
second; so every app's document builders are registered, as here), and a
script that builds a store must guard its main code with
`if __name__ == "__main__":`, as spawned workers import it. Workers send back
the pickle the cache keeps anyway. The pool lives for one build and is never
made per request: the store builds at its first load, and while authoring
when many files changed at once.

Whatever goes wrong in a worker (a file that makes the renderer raise, a
worker that dies, a pool that cannot start), the files not yet rendered are
rendered here, in order, so the result, or the exception, is a serial loop's.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .loader import Loaded, load_file

logger = logging.getLogger(__name__)

POOL_MIN_FILES = 40  # a spawned worker takes about a second to start: the time this process renders 40 pages in
CHUNK_FILES = 16
START_METHOD: str | None = None  # "fork" or "spawn"; None chooses by the threads running (see above)

Job = tuple[Path, bytes | None]  # a file, and its bytes when already read


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_method() -> str:
    if START_METHOD:
        return START_METHOD
    alone = threading.active_count() == 1  # nobody else can hold a lock a forked child would inherit
    return "fork" if alone and "fork" in multiprocessing.get_all_start_methods() else "spawn"


def load_files(root: Path, jobs: Sequence[Job], *, load=load_file,
               share: bool = True) -> Iterator[tuple[int, Loaded, bytes | None]]:
    """`load(root, path, data=data)` for every job, as (index, loaded, its pickle or None), in the order they finish.

    What a serial loop gives, in another order: the same documents and problems,
    and, should `load` raise, the exception it raises for the first such file.
    `share=False` leaves every chunk to the workers (tests use it to be sure
    they ran).
    """
    # With this process, a renderer a core. Tried: a worker a core besides this process, on 2 busy
    # cores, spent 22% more CPU on the pages than one process and finished later.
    workers = min(cores() - 1, len(jobs) // CHUNK_FILES)
    if len(jobs) <= POOL_MIN_FILES or workers < 1:
        yield from _here(root, jobs, range(len(jobs)), load)
        return
    finished = [False] * len(jobs)
    executor = None
    try:
        executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(start_method()),
                                       initializer=_worker_start)
        for index, loaded, pickled in _shared(root, jobs, load, executor, share):
            finished[index] = True
            yield index, loaded, pickled
    except Exception as exc:  # raised in a worker or here, or the pool broke: a serial loop decides
        left = finished.count(False)
        logger.warning("rendering content in worker processes failed (%s: %s); rendering the %d files left "
                       "in this process", type(exc).__name__, exc, left)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        yield from _here(root, jobs, [index for index, done in enumerate(finished) if not done], load)
    finally:
        if executor is not None:
            # Without waiting: a worker still starting up when this process has
            # rendered everything exits on its own once it has.
            executor.shutdown(wait=False, cancel_futures=True)


def _shared(root: Path, jobs: Sequence[Job], load, executor: ProcessPoolExecutor, share: bool):
    chunks = [range(start, min(start + CHUNK_FILES, len(jobs))) for start in range(0, len(jobs), CHUNK_FILES)]
    futures = [executor.submit(_load_chunk, root, [jobs[i] for i in chunk], load) for chunk in chunks]
    waiting = list(range(len(chunks)))  # not yielded yet, in the order workers take them
    while waiting:
        done = [i for i in waiting if futures[i].done()]
        if not done:
            if share and futures[waiting[-1]].cancel():  # no worker has started the last chunk: render it here
                yield from _here(root, jobs, chunks[waiting.pop()], load)
                continue
            done = [waiting[0]]  # every chunk is taken: wait for the oldest
        for index in done:
            waiting.remove(index)
            for number, pickled in zip(chunks[index], futures[index].result()):
                yield number, pickle.loads(pickled), pickled


def _here(root: Path, jobs: Sequence[Job], indices, load) -> Iterator[tuple[int, Loaded, None]]:
    for index in indices:
        path, data = jobs[index]
        yield index, load(root, path, data=data), None


def _worker_start() -> None:
    import django
    from django.apps import apps

    if not apps.ready:  # spawned
        django.setup()
    # Forked, a worker shares this process's memory, the course and all;
    # without this, each of its collections walks every inherited object,
    # copying each page it touches (a 1,000-page build: workers of 475 MiB,
    # and no faster than one process).
    gc.freeze()


def _load_chunk(root: Path, jobs: list[Job], load) -> list[bytes]:
    return [pickle.dumps(load(root, path, data=data), protocol=pickle.HIGHEST_PROTOCOL) for path, data in jobs]
