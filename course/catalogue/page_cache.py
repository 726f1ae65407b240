"""Reading pages rendered once per course version for new visitors, their per-request parts filled in.

A visitor with no session cookie has no progress, no account and no messages,
so what a reading page shows them depends only on the loaded course, the path,
their theme and their code language (both already checked against the known
choices by PreferencesMiddleware). Such a page is rendered once, kept with its
CSP nonce and CSRF token replaced by markers, and served again with a fresh
nonce (the CSP header then names that nonce) and a fresh masked CSRF token
(the CSRF cookie is then set as for any page). Anyone with a session, a query
string, or while authoring (CONTENT_WATCH) gets the page rendered as usual.
`cached_page` on a view keeps its page; `CachedPagesMiddleware`, right after
the CSRF middleware, serves a kept page before the rest of the stack runs
(authentication, messages, htmx and preferences have nothing to add for a
visitor without a session), which is what makes a hit cheap.
The store is bounded (least recently used out) and emptied when the course
is reloaded.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from course.content.languages import CODE_LANGUAGES, LANGUAGE_COOKIE
from course.content.store import get_course
from course.preferences.choices import THEME_COOKIE, THEMES

NONCE_MARK = "__page_cache_csp_nonce__"
CSRF_MARK = "__page_cache_csrf_token__"
_CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAX_PAGES = 64  # about 13 MB at most: module pages are some 210 KB of HTML each


_MARKS = re.compile(f"({NONCE_MARK}|{CSRF_MARK})")


@dataclass(frozen=True)
class _Page:
    """The page as bytes, cut at the per-request parts: joining the pieces is the whole cost of a hit."""

    pieces: tuple[bytes | str, ...]  # bytes as they are; NONCE_MARK or CSRF_MARK where a value goes
    content_type: str

    @classmethod
    def of(cls, body: str, content_type: str, charset: str) -> _Page:
        pieces = tuple(piece if piece in (NONCE_MARK, CSRF_MARK) else piece.encode(charset)
                       for piece in _MARKS.split(body) if piece)
        return cls(pieces, content_type)

    def needs(self, mark: str) -> bool:
        return mark in self.pieces


class PageCache:
    def __init__(self, max_pages: int = MAX_PAGES) -> None:
        self.max_pages = max_pages
        self._pages: OrderedDict[tuple, _Page] = OrderedDict()
        self._course = None
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, course, key: tuple) -> _Page | None:
        with self._lock:
            if course is not self._course:
                return None
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                self.hits += 1
            return page

    def put(self, course, key: tuple, page: _Page) -> None:
        with self._lock:
            if course is not self._course:  # a new course: every page kept so far is out of date
                self._pages.clear()
                self._course = course
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._course = None


pages = PageCache()


def _key(request: HttpRequest) -> tuple | None:
    """The page's key from the raw request: path, theme and language cookies as sent, htmx or not."""
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING") or settings.CONTENT_WATCH:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None  # someone with progress, an account or a message to see
    theme, language = cookies.get(THEME_COOKIE, ""), cookies.get(LANGUAGE_COOKIE, "")
    if (theme and theme not in THEMES) or (language and language not in CODE_LANGUAGES):
        return None  # junk cookies are served the default, rendered each time: they never fill the cache
    return (request.path, theme, language, request.headers.get("HX-Request") == "true")


def _storable(request: HttpRequest, response: HttpResponse) -> _Page | None:
    if response.status_code != 200 or response.streaming or set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return None
    body = response.content.decode(response.charset or "utf-8")
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        body = body.replace(nonce, NONCE_MARK)
    token = _CSRF_VALUE.search(body)
    if token:
        body = body.replace(token.group(1), CSRF_MARK)
    return _Page.of(body, response["Content-Type"], response.charset or "utf-8")


def _served(request: HttpRequest, page: _Page) -> HttpResponse:
    values = {}
    if page.needs(NONCE_MARK):
        values[NONCE_MARK] = str(request.csp_nonce).encode("ascii")
    if page.needs(CSRF_MARK):
        values[CSRF_MARK] = get_token(request).encode("ascii")  # the CSRF middleware then sets its cookie
    body = b"".join(piece if isinstance(piece, bytes) else values[piece] for piece in page.pieces)
    response = HttpResponse(body, content_type=page.content_type)
    response["Vary"] = "Cookie"  # what a shared cache must know: the page differs by the reader's cookies
    return response


class CachedPagesMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key(request)
        if key is not None:
            page = pages.get(get_course(), key)
            if page is not None:
                return _served(request, page)
        return self.get_response(request)


def cached_page(view):
    """Keep `view`'s page for new visitors (see the module docstring); CachedPagesMiddleware serves it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        course = get_course()
        response = view(request, *args, **kwargs)
        stored = _storable(request, response)
        if stored is not None:
            pages.put(course, key, stored)
        return response

    return wrapper
