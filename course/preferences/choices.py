"""What a reader can choose, and the cookies that remember it."""

from course.content.languages import CODE_LANGUAGES, DEFAULT_LANGUAGE, LANGUAGE_COOKIE

THEMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
THEME_COOKIE = "theme"
DEFAULT_THEME = "system"
COOKIE_MAX_AGE = 365 * 24 * 3600

__all__ = ["CODE_LANGUAGES", "DEFAULT_LANGUAGE", "LANGUAGE_COOKIE", "THEMES", "THEME_COOKIE", "DEFAULT_THEME", "COOKIE_MAX_AGE"]
