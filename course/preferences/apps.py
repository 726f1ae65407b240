from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "course.preferences"
    label = "preferences"

    def ready(self) -> None:
        from course.operations.page_cache import page_varies_by_cookie

        from .choices import THEME_COOKIE, THEMES

        page_varies_by_cookie(THEME_COOKIE, THEMES)  # a kept page is kept per theme
