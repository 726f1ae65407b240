"""The code-sample languages a learner can choose between, in tab order."""

CODE_LANGUAGES: dict[str, str] = {
    "typescript": "TypeScript",
    "python": "Python",
    "php": "PHP",
    "csharp": "C#",
}
DEFAULT_LANGUAGE = "typescript"
LANGUAGE_BY_LABEL = {label: key for key, label in CODE_LANGUAGES.items()}
LANGUAGE_COOKIE = "code_lang"
