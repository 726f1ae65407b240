"""While authoring: a saved Markdown file refreshes the open page, no restart.

runserver's autoreloader watches `content/`; when a Markdown file changes we
tell django-browser-reload to refresh the browser and tell the autoreloader
not to restart the server. The store re-reads just that file on the next
request.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def watch_content(*, sender, **kwargs) -> None:
    sender.watch_dir(Path(settings.CONTENT_DIR), "**/*.md")


def content_file_changed(*, file_path: Path, **kwargs) -> bool | None:
    root = Path(settings.CONTENT_DIR).resolve()
    path = Path(file_path).resolve()
    if path.suffix != ".md" or not path.is_relative_to(root):
        return None
    try:
        from django_browser_reload.views import trigger_reload_soon
    except ImportError:  # the reload helper is optional; the next request still sees the change
        return True
    trigger_reload_soon()
    return True
