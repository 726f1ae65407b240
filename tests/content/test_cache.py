"""Rendered content kept on disk by content hash: a restart with unchanged files renders nothing."""

import logging
import os
import stat

import pytest

from course.content import cache as cache_module
from course.content.store import ContentStore


def restarted(content, folder, *, watch=False):
    """A new store, as a new process would make, over the same files and cache folder."""
    store = ContentStore(content.root, watch=watch, cache_dir=folder)
    return store, store.course()


def html_of(course):
    return [module.body.html for module in course.modules] + [entry.body.html for entry in course.faq]


def test_a_restart_with_unchanged_files_renders_nothing_and_serves_the_same_pages(content, exercise, tmp_path):
    folder = tmp_path / "cache"
    first, before = restarted(content, folder)
    files = first.reads
    assert first.cache.misses == files and first.cache.hits == 0
    second, after = restarted(content, folder)
    assert second.cache.hits == files and second.cache.misses == 0
    assert html_of(after) == html_of(before) and html_of(after)[0]
    assert after.exercise("answer-create").checks == before.exercise("answer-create").checks


def test_an_edited_file_alone_is_rendered_again(content, tmp_path):
    folder = tmp_path / "cache"
    restarted(content, folder)
    content.write("faq/01-first-question.md", "---\nquestion: Edited?\nmodule: first-module\n---\nYes, edited.\n")
    store, course = restarted(content, folder)
    assert store.cache.misses == 1 and store.cache.hits == store.reads - 1
    assert course.faq[0].question == "Edited?" and "Yes, edited." in course.faq[0].body.html


def test_new_code_reads_every_file_again(content, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    restarted(content, folder)
    monkeypatch.setattr(cache_module, "code_version", lambda: "another version of the renderer")
    store, _ = restarted(content, folder)
    assert store.cache.hits == 0 and store.cache.misses == store.reads


def test_a_corrupt_entry_is_rendered_again(content, tmp_path):
    folder = tmp_path / "cache"
    restarted(content, folder)
    for entry in folder.rglob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    store, course = restarted(content, folder)
    assert store.cache.hits == 0 and [m.title for m in course.modules] == ["First module", "Second module"]
    _, again = restarted(content, folder)  # and the entries were written afresh
    assert [m.title for m in again.modules] == ["First module", "Second module"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_a_folder_that_cannot_be_written_turns_the_cache_off_with_one_warning(content, tmp_path, caplog):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    with caplog.at_level(logging.WARNING, logger="course.content.cache"):
        store, course = restarted(content, folder)
    assert [m.title for m in course.modules] == ["First module", "Second module"]
    assert not store.cache.enabled
    assert len([r for r in caplog.records if "content cache turned off" in r.getMessage()]) == 1


def test_a_path_that_is_a_file_turns_the_cache_off_with_one_warning(content, tmp_path, caplog):
    folder = tmp_path / "not-a-folder"
    folder.write_text("in the way")
    with caplog.at_level(logging.WARNING, logger="course.content.cache"):
        store, course = restarted(content, folder)
    assert [m.title for m in course.modules] == ["First module", "Second module"]
    assert not store.cache.enabled
    assert len([r for r in caplog.records if "content cache turned off" in r.getMessage()]) == 1


def test_a_watching_store_uses_the_cache_too(content, tmp_path):
    folder = tmp_path / "cache"
    restarted(content, folder, watch=True)
    store, _ = restarted(content, folder, watch=True)
    assert store.cache.hits == store.reads > 0
