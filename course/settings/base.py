"""Settings for every environment; production values come from the environment.

Environment variables:
  DEBUG          "1"/"true" for development (default off)
  SECRET_KEY     required when DEBUG is off
  ALLOWED_HOSTS  comma-separated host names (default: localhost names)
  DATABASE_URL   any dj-database-url URL (default: SQLite in db.sqlite3)
  REDIS_URL      optional shared rate-limit counts, e.g. redis://127.0.0.1:6379/0 (the site
                 keeps working without it: limits are then counted per process)
  TRUSTED_PROXY_COUNT, TRUSTED_PROXY_ADDRESSES  who the client is behind a proxy
                 (see course/operations/clients.py)
  EMAIL_HOST     SMTP server for password-reset mail (without it, and with DEBUG off,
                 password reset says it is unavailable; nothing is printed)
  CONTENT_DIR    course content folder (default: content/ in the repository)
  CONTENT_CACHE_DIR  where rendered content is kept between starts (default: .cache/content/; "" turns it off)
  HTTPS          "1" when served over HTTPS (secure cookies, HSTS)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment when DEBUG is off "
            "(for development, run with DEBUG=1)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"

ALLOWED_HOSTS = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if host.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "course.content",
    "course.catalogue",
    "course.exercises",
    "course.sandbox",
    "course.progress",
    "course.accounts",
    "course.preferences",
    "course.operations",
    "course.api",
    "csp",
]

MIDDLEWARE = [
    "course.operations.middleware.RequestIdMiddleware",
    # The security headers first, so every response carries them, the early
    # 400/413/429 answers of the middleware below included.
    "django.middleware.security.SecurityMiddleware",
    "course.operations.csp.CSPMiddleware",  # django-csp's, each policy built once (operations/csp.py)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "course.operations.middleware.JsonErrorsMiddleware",
    "course.operations.middleware.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public API reads of the course, from memory once built (course/api/middleware.py), as whitenoise serves files.
    "course.api.middleware.PublicReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A new visitor's reading page, kept once rendered (course/operations/page_cache.py): nothing below adds to it.
    "course.operations.page_cache.CachedPagesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "course.preferences.middleware.PreferencesMiddleware",
]

if DEBUG:
    INSTALLED_APPS.append("django_browser_reload")
    MIDDLEWARE.append("django_browser_reload.middleware.BrowserReloadMiddleware")

ROOT_URLCONF = "course.urls"
WSGI_APPLICATION = "course.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "course.preferences.context_processors.preferences",
                "course.content.context_processors.content_problems",
                "course.operations.context_processors.request_context",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Write-ahead logging: readers never wait for the writer, and a commit is an append without an fsync of the
    # whole journal (synchronous=NORMAL is durable across a crash of the process; a power cut may lose the last
    # commits, never corrupt the file). IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
    # timeout rather than one failing with "database is locked" when it upgrades its read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", transaction_mode="IMMEDIATE", timeout=20)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database that does not answer is reported (503) within seconds, not after the OS's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
# While the database is unreachable, pages answer 503 with this Retry-After (answers kept).
DATABASE_RETRY_AFTER_SECONDS = 10
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Redis may go away at any time: a call waits at most this long, then the
# site carries on without it and does not ask again for REDIS_RETRY_SECONDS.
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.25"))
REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", "5"))
# Nothing relies on Django's cache; it stays per process so that no page can fail with Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The client address behind reverse proxies (course/operations/clients.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXY_ADDRESSES = [a.strip() for a in os.environ.get("TRUSTED_PROXY_ADDRESSES", "").split(",") if a.strip()]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalogue:home"
LOGOUT_REDIRECT_URL = "catalogue:home"
# Wrong passwords per account from one address, and from one address over all accounts,
# in LOGIN_WINDOW_SECONDS; then 429. A right password does not count, and one person's
# guesses cannot lock anyone out from another address.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "10"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "100"))
# Sign-ups, and password-reset requests, per address (generous: a classroom shares one).
SIGNUPS_PER_ADDRESS = int(os.environ.get("SIGNUPS_PER_ADDRESS", "30"))
RESETS_PER_ADDRESS = int(os.environ.get("RESETS_PER_ADDRESS", "30"))
LOGIN_WINDOW_SECONDS = 300
# Password-reset mail goes through SMTP. Without EMAIL_HOST, development prints it to the
# console; production never does (the mail holds a reset link): reset says it is unavailable.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
PASSWORD_RESET_AVAILABLE = bool(EMAIL_HOST) or DEBUG
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "API Architect <no-reply@api-architect.invalid>")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR / "content"))
CONTENT_WATCH = DEBUG
# Rendered content kept on disk by content hash (course/content/cache.py); CONTENT_CACHE_DIR="" turns it off.
CONTENT_CACHE_DIR = (Path(os.environ["CONTENT_CACHE_DIR"]) if os.environ.get("CONTENT_CACHE_DIR")
                     else None if "CONTENT_CACHE_DIR" in os.environ else BASE_DIR / ".cache" / "content")

HTTPS = env_flag("HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS
# A load balancer probes the backend over plain HTTP: /health answers it rather than redirecting.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "course.operations.views.csrf_failure"
# Requests larger than this get 413 (snippets themselves stop at 64 KiB, with the text kept).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

from course.operations.logging import configure as configure_logging  # noqa: E402

LOGGING = configure_logging(os.environ.get("LOG_LEVEL", "INFO"))

# Content-Security-Policy (django-csp): no inline scripts anywhere; style
# sheets only from our files or with the per-request nonce (CodeMirror
# injects <style>). Style *attributes* are allowed: CodeMirror and htmx set
# them on elements as they lay out, and an attribute cannot run script.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
if DEBUG:
    # Django's debug pages use inline styles and scripts: only report while developing.
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Errors under these paths are RFC 9457 problem details whatever the client accepts (course/operations/problems.py);
# each problem's `type` links to its entry on this page.
PROBLEM_JSON_PATHS = ("/api/",)
PROBLEM_TYPE_PAGE = "/api/v1/docs"
# The JSON API (course/api): how long an Idempotency-Key and its answer are kept for replays.
IDEMPOTENCY_KEY_HOURS = 24
# When v2 ships, v1's lifecycle (course/api/lifecycle.py, docs/api.md): ISO dates; empty while v1 is current.
API_V1_DEPRECATED_AT = os.environ.get("API_V1_DEPRECATED_AT", "")
API_V1_SUNSET_AT = os.environ.get("API_V1_SUNSET_AT", "")

# Exercise submissions per session per minute (429 with Retry-After beyond).
SUBMISSIONS_PER_MINUTE = int(os.environ.get("SUBMISSIONS_PER_MINUTE", "12"))
# Anonymous submissions per client address per minute, whatever their session: dropping
# the cookie does not buy a fresh allowance. Generous, for a classroom behind one NAT.
SUBMISSIONS_PER_MINUTE_PER_ADDRESS = int(os.environ.get("SUBMISSIONS_PER_MINUTE_PER_ADDRESS", "60"))
# Sessions live in the database only: a cache in front would either fail with Redis or,
# after an outage, hand back a session that was logged out while Redis was away.
SESSION_ENGINE = "course.accounts.sessions"  # Django's database sessions, read in one plain statement
# The same for the signed-in user (course/accounts/backends.py). Only this one: a second backend would hash a wrong
# password twice. A session made under Django's own backend is asked to log in again, once.
AUTHENTICATION_BACKENDS = ["course.accounts.backends.UserBackend"]

# The Python sandbox (course/sandbox): an interpreter to confine (default:
# the one running the site), warm sandboxes kept ready, jobs at once, jobs
# waiting for a slot, and how long one may wait before 503. Running plus
# waiting stays below the worker's request threads (gunicorn's THREADS), so
# one is always free for reading pages and /health.
_THREADS = int(os.environ.get("THREADS", "4"))
SANDBOX_PYTHON = os.environ.get("SANDBOX_PYTHON", "")
SANDBOX_WARM = int(os.environ.get("SANDBOX_WARM", "2"))
SANDBOX_MAX_RUNNING = int(os.environ.get("SANDBOX_MAX_RUNNING", str(max(1, _THREADS // 2))))
SANDBOX_MAX_WAITING = int(os.environ.get("SANDBOX_MAX_WAITING", str(max(0, _THREADS - 1 - SANDBOX_MAX_RUNNING))))
SANDBOX_QUEUE_SECONDS = float(os.environ.get("SANDBOX_QUEUE_SECONDS", "2"))
SANDBOX_LIMITS: dict = {}
