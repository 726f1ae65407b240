"""While authoring, saving Markdown refreshes the browser instead of restarting the server."""

from pathlib import Path

from course.content import devreload


def test_a_saved_markdown_file_under_content_triggers_a_browser_reload_not_a_restart(content, monkeypatch):
    calls = []
    monkeypatch.setattr("django_browser_reload.views.trigger_reload_soon", lambda: calls.append(1))
    handled = devreload.content_file_changed(file_path=content.root / "faq" / "01-first-question.md")
    assert handled is True
    assert calls == [1]


def test_other_files_are_left_to_the_normal_autoreloader(content, monkeypatch):
    calls = []
    monkeypatch.setattr("django_browser_reload.views.trigger_reload_soon", lambda: calls.append(1))
    assert devreload.content_file_changed(file_path=Path(__file__)) is None
    assert devreload.content_file_changed(file_path=content.root / "notes.txt") is None
    assert calls == []


def test_the_autoreloader_is_told_to_watch_markdown_under_content(content):
    watched = []

    class Reloader:
        def watch_dir(self, path, glob):
            watched.append((Path(path), glob))

    devreload.watch_content(sender=Reloader())
    assert watched == [(content.root, "**/*.md")]
