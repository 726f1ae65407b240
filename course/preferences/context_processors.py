from .choices import CODE_LANGUAGES, DEFAULT_LANGUAGE, DEFAULT_THEME, THEMES


def preferences(request) -> dict:
    return {
        "code_language": getattr(request, "code_language", DEFAULT_LANGUAGE),
        "code_languages": CODE_LANGUAGES,
        "theme": getattr(request, "theme", DEFAULT_THEME),
        "themes": THEMES,
    }
