"""What every worker's first request would build, built once in gunicorn's master before it forks them.

gunicorn.conf.py preloads the app: the master imports Django and the site,
calls `warm_up()`, then forks the workers, which start with all of it in
memory (shared until written) instead of each building it on its first
request. Only plain data is built here: the course and the URL
configuration (importing every view module). Nothing that must not cross a
fork: no database connection is left open, no child process or other thread
is left running, and the sandbox pool, Redis and the search index start in each
worker when it first needs them.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time

from django.db import connections
from django.urls import get_resolver

from course.content.store import get_course

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Read the course and the URL configuration into this process; never raises, leaves nothing open to inherit."""
    try:
        get_course()
        get_resolver().url_patterns  # noqa: B018  (the lazy attribute imports every view module)
    except Exception:  # a worker then meets the same error on its first request, as without the warm-up
        logger.exception("warming up before forking the workers failed; each worker builds on its first request")
    finally:
        connections.close_all()
        _wait_for_the_rest()


def _wait_for_the_rest(timeout: float = 10.0) -> None:
    # A cold build's process pool (course/content/workers.py) shuts down without waiting for its processes and
    # the threads that feed them. Forked while they still run, every worker would inherit the processes (its exit
    # then tries to join them) and any lock those threads held at that instant (taken by nothing, for ever).
    deadline = time.monotonic() + timeout
    for child in multiprocessing.active_children():
        child.join(timeout=max(0.0, deadline - time.monotonic()))
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
