from .choices import CODE_LANGUAGES, DEFAULT_LANGUAGE, DEFAULT_THEME, LANGUAGE_COOKIE, THEME_COOKIE, THEMES


class PreferencesMiddleware:
    """Read the reader's code language and theme from their cookies (ignoring junk)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(LANGUAGE_COOKIE)
        theme = request.COOKIES.get(THEME_COOKIE)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # The account's choice (copied into the session at log-in) wins on a new browser.
            saved = request.session.get("preferences", {})
            language = saved.get("code_language") or language
            theme = saved.get("theme") or theme
        request.code_language = language if language in CODE_LANGUAGES else DEFAULT_LANGUAGE
        request.theme = theme if theme in THEMES else DEFAULT_THEME
        return self.get_response(request)
