from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class ContentConfig(AppConfig):
    name = "course.content"
    label = "content"
    verbose_name = "Course content"

    def ready(self) -> None:
        if settings.CONTENT_WATCH:
            from django.utils.autoreload import autoreload_started, file_changed

            from . import devreload

            autoreload_started.connect(devreload.watch_content, dispatch_uid="content_watch")
            file_changed.connect(devreload.content_file_changed, dispatch_uid="content_changed")
