"""The in-memory course: read once in production, re-read per change while authoring."""

import os

from course.content.store import ContentStore


def touch_later(path, text):
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    # Make sure the stamp differs even on file systems with coarse mtimes.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_production_store_reads_each_file_once_and_serves_from_memory(content):
    store = ContentStore(content.root, watch=False)
    first = store.course()
    reads = store.reads
    touch_later(content.root / "home.md", "---\ntitle: Changed\ndescription: D\n---\nNew.\n")
    assert store.course() is first
    assert store.reads == reads
    assert first.pages["home"].title == "Home"


def test_watching_store_rereads_only_the_file_that_changed(content):
    store = ContentStore(content.root, watch=True)
    store.course()
    reads = store.reads
    touch_later(content.root / "home.md", "---\ntitle: Changed\ndescription: D\n---\nNew.\n")
    course = store.course()
    assert course.pages["home"].title == "Changed"
    assert store.reads == reads + 1


def test_watching_store_sees_new_and_deleted_files(content):
    store = ContentStore(content.root, watch=True)
    assert len(store.course().faq) == 1
    extra = content.write("faq/02-more.md", "---\nquestion: More?\nmodule: first-module\n---\nYes.\n")
    assert [entry.slug for entry in store.course().faq] == ["first-question", "more"]
    extra.unlink()
    assert [entry.slug for entry in store.course().faq] == ["first-question"]


def test_unchanged_watching_store_returns_the_same_course(content):
    store = ContentStore(content.root, watch=True)
    assert store.course() is store.course()


def test_a_broken_file_is_left_out_and_reported_while_the_rest_still_loads(content):
    content.write("faq/02-broken.md", "---\nquestion: [unclosed\n---\n")
    course = ContentStore(content.root, watch=False).course()
    assert [entry.slug for entry in course.faq] == ["first-question"]
    assert any("faq/02-broken.md" in str(problem.path) for problem in course.problems)
