from pathlib import Path

import pytest

from course.sandbox.launcher import Limits, default_python, interpreter
from course.sandbox.pool import Pool

SUPPORT = "def run(answer, case):\n    return answer.handle(case)\n"


def _stat(pid: int) -> list[str] | None:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def descendants(root: int) -> set[int]:
    """Live processes below `root` (bwrap, its namespace init, the interpreter)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if (fields := _stat(pid)) and fields[0] != "Z"}


@pytest.fixture
def pool():
    """A pool of our own with no warm sandboxes; afterwards nothing it started may still be alive."""
    own = Pool(interpreter(default_python()), Limits(), warm=0, max_running=2, queue_seconds=5)
    tracked: set[int] = set()
    start = own._start

    def start_and_track():
        sandbox = start()
        tracked.add(sandbox.process.pid)
        tracked.update(descendants(sandbox.process.pid))
        assert len(tracked) >= 2  # bwrap and the runner, which is process 1 of its namespace
        return sandbox

    own._start = start_and_track
    yield own
    own.close()
    leftover = alive(tracked)
    assert not leftover, f"sandbox processes left behind: {leftover}"


@pytest.fixture
def run(pool):
    def run_(code: str, inputs=(None,), support: str = SUPPORT):
        return pool.run({"code": code, "support": support, "inputs": list(inputs)})

    return run_
