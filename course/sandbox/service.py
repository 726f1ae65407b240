"""The sandbox as the rest of the site sees it: configured from settings, probed once."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from .launcher import Limits, Outcome, Sandbox, SandboxUnavailable, Stopped, default_python, interpreter
from .pool import Busy, Pool

__all__ = ["Availability", "Busy", "SandboxUnavailable", "Stopped", "availability", "conversation", "run_job"]

_pool: Pool | None = None
_availability: Availability | None = None
_lock = threading.Lock()

PROBE = {"code": "def handle(x):\n    return x + 1\n", "support": "def run(answer, case):\n    return answer.handle(case)\n", "inputs": [41]}


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str = ""


def limits() -> Limits:
    return Limits(**getattr(settings, "SANDBOX_LIMITS", {}))


def _get_pool() -> Pool:
    global _pool
    with _lock:
        if _pool is None:
            python = interpreter(getattr(settings, "SANDBOX_PYTHON", "") or default_python())
            _pool = Pool(python, limits(), warm=settings.SANDBOX_WARM, max_running=settings.SANDBOX_MAX_RUNNING,
                         max_waiting=getattr(settings, "SANDBOX_MAX_WAITING", 1), queue_seconds=settings.SANDBOX_QUEUE_SECONDS)
            atexit.register(_pool.close)
        return _pool


def availability() -> Availability:
    """Can this host confine learner code? Answered by running a real probe once."""
    global _availability
    if _availability is None:
        try:
            outcome = _get_pool().run(PROBE)
            good = outcome.status == "ok" and outcome.result.get("results") == [{"ok": True, "value": 42}]
            _availability = Availability(good, "" if good else f"the sandbox probe failed ({outcome.status})")
        except SandboxUnavailable as exc:
            _availability = Availability(False, str(exc))
        except Busy:
            return Availability(True, "")
    return _availability


def run_job(job: dict) -> Outcome:
    """Run `job` confined; raise SandboxUnavailable if confinement cannot be had, Busy if full."""
    state = availability()
    if not state.available:
        raise SandboxUnavailable(state.reason)
    return _get_pool().run(job)


@contextmanager
def conversation(job: dict) -> Iterator[Sandbox]:
    """A confined process holding `job`, answering `ask(message)`; raise SandboxUnavailable or Busy."""
    state = availability()
    if not state.available:
        raise SandboxUnavailable(state.reason)
    with _get_pool().conversation(job) as sandbox:
        yield sandbox


def reset() -> None:
    """Forget the pool and the probe (tests, settings changes)."""
    global _pool, _availability
    with _lock:
        if _pool is not None:
            _pool.close()
        _pool = None
        _availability = None
