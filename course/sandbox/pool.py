"""A few sandboxes started ahead of time, and a cap on how many run at once.

Starting bubblewrap and an interpreter costs ~60 ms; a warm sandbox has
already paid that (and locked itself down) and only waits for its job, so
grading takes milliseconds. Each sandbox runs one job and is thrown away; a
background thread starts its replacement.

At most `max_running` jobs run at once per process, and at most
`max_waiting` more wait for a slot (up to `queue_seconds`). A submission
past both gets `Busy` at once, which the web layer turns into 503 with
Retry-After. Together the two stay below the worker's request threads, so
however many submissions arrive, a thread is always free to serve reading
pages and /health (a thread waiting on a sandbox serves nothing else).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from .launcher import Interpreter, Limits, Outcome, Sandbox, SandboxUnavailable

logger = logging.getLogger(__name__)


class Busy(RuntimeError):
    """Every sandbox slot is taken; try again shortly."""

    retry_after = 5


class Pool:
    def __init__(self, python: Interpreter, limits: Limits, *, warm: int = 2, max_running: int = 2,
                 max_waiting: int = 1, queue_seconds: float = 2.0) -> None:
        self.python = python
        self.limits = limits
        self.warm = warm
        self.queue_seconds = queue_seconds
        self._slots = threading.BoundedSemaphore(max_running)
        # Jobs admitted (running or waiting): never more than the threads that may be spent on grading.
        self._admitted = threading.BoundedSemaphore(max_running + max(max_waiting, 0))
        self._ready: queue.Queue[Sandbox] = queue.Queue()
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._starting = 0
        self._starter = self._new_starter()
        self._closed = False

    @staticmethod
    def _new_starter() -> ThreadPoolExecutor:
        # bwrap --die-with-parent kills the sandbox when the *thread* that
        # started it ends (PR_SET_PDEATHSIG follows threads). Request threads
        # come and go, so every sandbox is started from these long-lived ones.
        return ThreadPoolExecutor(max_workers=2, thread_name_prefix="sandbox-starter")

    def _start(self) -> Sandbox:
        sandbox = Sandbox(self.python, self.limits)
        try:
            sandbox.wait_ready()
        except BaseException:
            sandbox.kill()
            raise
        return sandbox

    def run(self, job: dict) -> Outcome:
        """Run one job in a confined process; raise Busy or SandboxUnavailable."""
        with self._sandbox() as sandbox:
            return sandbox.run(job)

    @contextmanager
    def conversation(self, job: dict) -> Iterator[Sandbox]:
        """A sandbox that has the job and answers `ask(message)` line by line; killed on leaving."""
        with self._sandbox() as sandbox:
            try:
                sandbox.begin(job)
                yield sandbox
            finally:
                sandbox.kill()

    @contextmanager
    def _sandbox(self) -> Iterator[Sandbox]:
        self._after_fork()
        if not self._admitted.acquire(blocking=False):
            raise Busy("all sandboxes are busy and the queue is full")
        try:
            if not self._slots.acquire(timeout=self.queue_seconds):
                raise Busy("all sandboxes are busy")
            try:
                sandbox = self._take()
                self._refill()
                yield sandbox
            finally:
                self._slots.release()
        finally:
            self._admitted.release()

    def _take(self) -> Sandbox:
        while True:
            try:
                sandbox = self._ready.get_nowait()
            except queue.Empty:
                return self._starter.submit(self._start).result()
            if sandbox.process.poll() is None:
                return sandbox
            sandbox.kill()  # died while waiting (killed from outside): start another

    def _refill(self) -> None:
        with self._lock:
            missing = max(self.warm - self._ready.qsize() - self._starting, 0)
            self._starting += missing
        for _ in range(missing):
            self._starter.submit(self._start_one)

    def _start_one(self) -> None:
        try:
            sandbox = self._start()
            if self._closed:
                sandbox.kill()
            else:
                self._ready.put(sandbox)
        except (SandboxUnavailable, OSError):
            logger.exception("could not start a warm sandbox")
        finally:
            with self._lock:
                self._starting -= 1

    def prewarm(self) -> None:
        self._after_fork()
        self._refill()

    def close(self) -> None:
        """Stop every warm sandbox, including ones still starting."""
        self._closed = True
        self._starter.shutdown(wait=True)
        while True:
            try:
                self._ready.get_nowait().kill()
            except queue.Empty:
                return

    def _after_fork(self) -> None:
        # Warm sandboxes belong to the process that started them (gunicorn forks workers).
        if os.getpid() != self._pid:
            self._ready = queue.Queue()
            self._pid = os.getpid()
            self._starting = 0
            self._starter = self._new_starter()
