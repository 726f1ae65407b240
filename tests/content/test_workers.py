"""Many files are rendered across cores; the result is the serial loop's, failures included."""

import dataclasses
import logging
import os
import threading
from pathlib import Path

import pytest

from course.content import workers
from course.content.loader import content_files, load_file
from course.content.store import ContentStore, build_course


def plain(value):
    """A value with every document, set and path spelt out, to compare what two processes made."""
    if dataclasses.is_dataclass(value):
        return (type(value).__name__, {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(item) for item in value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, Path):
        return ("path", str(value))
    return value


@pytest.fixture
def many(content, exercise, monkeypatch):
    """The small course plus enough FAQ answers (one broken) that workers are used: 2 files a chunk, spawned."""
    for number in range(2, 12):
        content.write(f"faq/{number:02d}-answer-{number}.md",
                      f"---\nquestion: Question {number}?\nmodule: first-module\n---\n"
                      f"Answer {number}, with a [link](/modules/first-module/#resources) and `code`.\n")
    content.write("faq/12-broken.md", "---\nquestion: [unclosed\n---\n")
    content.write("faq/13-bad-link.md", "---\nquestion: Where?\nmodule: first-module\n---\n[Gone](/modules/gone/).\n")
    monkeypatch.setattr(workers, "POOL_MIN_FILES", 4)
    monkeypatch.setattr(workers, "CHUNK_FILES", 2)
    monkeypatch.setattr(workers, "cores", lambda: 3)
    monkeypatch.setattr(workers, "START_METHOD", "spawn")  # as in a web worker, which has threads
    return content


def jobs_of(root):
    return [(path, None) for path in content_files(root)]


@pytest.mark.parametrize("start", ["spawn", "fork"])
def test_worker_processes_give_exactly_what_a_serial_loop_gives(many, monkeypatch, start):
    monkeypatch.setattr(workers, "START_METHOD", start)
    jobs = jobs_of(many.root)
    serial = [load_file(many.root, path) for path, _ in jobs]
    results = sorted(workers.load_files(many.root, jobs, share=False), key=lambda result: result[0])
    assert [index for index, _, _ in results] == list(range(len(jobs)))
    assert all(pickled is not None for _, _, pickled in results)  # every file came from a worker
    assert [plain(loaded) for _, loaded, _ in results] == [plain(loaded) for loaded in serial]
    assert any("faq/12-broken.md" in str(problem.path) for loaded in serial for problem in loaded.problems)


def test_this_process_and_the_workers_sharing_the_files_give_what_a_serial_loop_gives(many):
    jobs = jobs_of(many.root)
    results = dict((index, loaded) for index, loaded, _ in workers.load_files(many.root, jobs))
    assert [plain(results[index]) for index in range(len(jobs))] == [plain(load_file(many.root, path))
                                                                       for path, _ in jobs]


def test_a_store_building_with_workers_has_the_course_and_problems_of_a_serial_build(many, tmp_path):
    store = ContentStore(many.root, watch=True, cache_dir=tmp_path / "cache")
    course, serial = store.course(), build_course(many.root)
    assert plain(course.modules) == plain(serial.modules) and plain(course.faq) == plain(serial.faq)
    assert plain(course.exercises) == plain(serial.exercises)
    assert [problem.format() for problem in course.problems] == [problem.format() for problem in serial.problems]
    assert any("/modules/gone/" in problem.message for problem in course.problems)
    again = ContentStore(many.root, watch=True, cache_dir=tmp_path / "cache")  # what the workers cached reads back
    assert plain(again.course().faq) == plain(serial.faq) and again.cache.misses == 0


class RendererBug(Exception):
    pass


def load_or_raise(root, path, *, data=None):
    """load_file, except that 05-answer-5.md and 09-answer-9.md make it raise, as a renderer bug would."""
    if path.name in ("05-answer-5.md", "09-answer-9.md"):
        raise RendererBug(f"cannot render {path.name}")
    return load_file(root, path, data=data)


def load_or_die(root, path, *, data=None):
    """load_file, except that a worker process dies outright."""
    if os.getpid() != int(os.environ["CONTENT_TEST_PARENT"]):
        os._exit(3)
    return load_file(root, path, data=data)


def test_a_file_that_makes_a_worker_raise_raises_here_as_in_a_serial_loop(many, caplog):
    with caplog.at_level(logging.WARNING, logger="course.content.workers"):
        with pytest.raises(RendererBug, match="cannot render 05-answer-5.md"):  # the first, as serially
            list(workers.load_files(many.root, jobs_of(many.root), load=load_or_raise, share=False))
    assert any("RendererBug" in record.getMessage() for record in caplog.records)


def test_a_worker_that_dies_leaves_its_files_to_this_process(many, monkeypatch, caplog):
    monkeypatch.setenv("CONTENT_TEST_PARENT", str(os.getpid()))
    jobs = jobs_of(many.root)
    with caplog.at_level(logging.WARNING, logger="course.content.workers"):
        results = dict((index, loaded) for index, loaded, _ in
                       workers.load_files(many.root, jobs, load=load_or_die, share=False))
    assert [plain(results[index]) for index in range(len(jobs))] == [plain(load_file(many.root, path))
                                                                       for path, _ in jobs]
    assert any("BrokenProcessPool" in record.getMessage() for record in caplog.records)


def test_workers_are_forked_only_when_no_other_thread_runs():
    assert workers.start_method() == ("fork" if threading.active_count() == 1 else "spawn")
    started, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=lambda: (started.set(), stop.wait()))
    thread.start()
    try:
        started.wait()
        assert workers.start_method() == "spawn"
    finally:
        stop.set()
        thread.join()


def test_a_few_files_are_rendered_in_this_process(content, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a few files")

    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_pool)
    jobs = jobs_of(content.root)
    assert len(jobs) <= workers.POOL_MIN_FILES
    assert [pickled for _, _, pickled in workers.load_files(content.root, jobs)] == [None] * len(jobs)
