"""Tests: the base settings with fast hashing and a throwaway database."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .base import *  # noqa: E402,F403
from .base import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Tests serve static files from the source folders, never from collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# As if a mail server were configured (pytest-django collects mail in mail.outbox).
PASSWORD_RESET_AVAILABLE = True
# Tests render what they read; the content cache has tests of its own (tests/content/test_cache.py).
CONTENT_CACHE_DIR = None
