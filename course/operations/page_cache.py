"""Pages rendered once per course version for new visitors, their per-request parts filled in.

A visitor with no session cookie has no progress, no account and no messages,
so what a reading or exercise page shows them depends only on the loaded
course, the path, and the few cookies that change how it looks: their code
language, and whatever the apps register with `page_varies_by_cookie`
(preferences: the theme), each with the values it accepts. Such a page is rendered once, kept with its
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
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps
from typing import Callable, Hashable

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render

from course.content.languages import CODE_LANGUAGES, LANGUAGE_COOKIE
from course.content.store import get_course

# Marks where a kept page's per-request parts go. Each ends in a secret made at start, so no text on a page
# (a learner's answer shown in their editor, say) can pass for one.
_SECRET = secrets.token_hex(8)
NONCE_MARK = f"__page_cache_csp_nonce_{_SECRET}__"
CSRF_MARK = f"__page_cache_csrf_token_{_SECRET}__"
CUT_MARK = f"__page_cache_cut_{_SECRET}__"  # around a part many pages share (a module's body): kept once for all
_CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAX_PAGES = 64  # about 13 MB at most: module pages are some 210 KB of HTML each
# A learner's own pages (learner_page): small once their shared parts are kept apart, so more of them.
MAX_LEARNER_PAGES = 1024
SHARED_PIECE_BYTES = 8192  # pieces this large are kept once and shared by every page that has them


_MARKS = re.compile(f"({NONCE_MARK}|{CSRF_MARK}|{CUT_MARK})")
# Cookies a page's look depends on, each with the values that are rendered as such (anything else: the default).
_VARYING: dict[str, frozenset[str]] = {LANGUAGE_COOKIE: frozenset(CODE_LANGUAGES)}


def page_varies_by_cookie(name: str, values) -> None:
    """Register a cookie that changes how a page looks (from an app's ready()); `values` are the ones it accepts."""
    _VARYING[name] = frozenset(values)


@dataclass(frozen=True)
class _Page:
    """The page as bytes, cut at the per-request parts: joining the pieces is the whole cost of a hit."""

    pieces: tuple[bytes | str, ...]  # bytes as they are; NONCE_MARK or CSRF_MARK where a value goes
    content_type: str

    @classmethod
    def of(cls, body: str, content_type: str, charset: str) -> _Page:
        pieces = tuple(piece if piece in (NONCE_MARK, CSRF_MARK) else piece.encode(charset)
                       for piece in _MARKS.split(body) if piece and piece != CUT_MARK)
        return cls(pieces, content_type)

    def sharing(self, shared: dict[bytes, bytes]) -> _Page:
        """The same page, its large pieces replaced by the copy in `shared` (one module body for all its readers)."""
        pieces = tuple(shared.setdefault(piece, piece) if isinstance(piece, bytes) and len(piece) >= SHARED_PIECE_BYTES
                       else piece for piece in self.pieces)
        return _Page(pieces, self.content_type)

    def needs(self, mark: str) -> bool:
        return mark in self.pieces


class PageCache:
    def __init__(self, max_pages: int = MAX_PAGES) -> None:
        self.max_pages = max_pages
        self._pages: OrderedDict[tuple, _Page] = OrderedDict()
        self._course = None
        self._lock = threading.Lock()
        self.hits = 0
        self.shared: dict[bytes, bytes] = {}  # large pieces, one copy each (emptied with the course)

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
                self.shared.clear()
                self._course = course
            self._pages[key] = page.sharing(self.shared)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.shared.clear()
            self._course = None


pages = PageCache()
learner_pages = PageCache(MAX_LEARNER_PAGES)


def _key(request: HttpRequest) -> tuple | None:
    """The page's key from the raw request: path, theme and language cookies as sent, htmx or not."""
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING") or settings.CONTENT_WATCH:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None  # someone with progress, an account or a message to see
    varying = []
    for name, accepted in _VARYING.items():
        value = cookies.get(name, "")
        if value and value not in accepted:
            return None  # junk cookies are served the default, rendered each time: they never fill the cache
        varying.append(value)
    return (request.path, *varying, request.headers.get("HX-Request") == "true")


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


def page_cut(request: HttpRequest | None) -> str:
    """CUT_MARK while a learner's page is being rendered for keeping (learner_page), else nothing: a template tag
    puts it around a large part that every reader's copy shares."""
    return CUT_MARK if getattr(request, "_page_cache_cut", False) else ""


def _learner_key(request: HttpRequest, state: Hashable) -> tuple | None:
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING") or settings.CONTENT_WATCH:
        return None
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None  # a new visitor: `cached_page` keeps their page
    if len(get_messages(request)):  # a message shows once: that page is not the same page again
        return None
    user = request.user
    who = (user.pk, user.get_username()) if user.is_authenticated else (None, "")
    return (request.path, getattr(request, "theme", ""), getattr(request, "code_language", ""),
            request.headers.get("HX-Request") == "true", *who, state)


def learner_page(request: HttpRequest, template: str, context: dict | Callable[[], dict], *,
                 state: Hashable) -> HttpResponse:
    """`render`, kept for the next request with the same page, reader and `state`.

    `state` is everything the page shows of this learner's progress, as the view
    read it (a page is only ever served for the same state, so it is never out
    of date); the rest of what a page depends on is in the key: the path, theme,
    code language, htmx or not, and the account (its id and name, shown in the
    header). Pages with a message to show, a query string, or while authoring
    are rendered as usual. Like a new visitor's page, a kept page gets a fresh
    CSP nonce and CSRF token each time. `context` may be a function that makes
    it: it is then only called when the page is rendered.
    """
    key = _learner_key(request, state)
    if key is None:
        return render(request, template, context() if callable(context) else context)
    course = get_course()
    page = learner_pages.get(course, key)
    if page is None:
        request._page_cache_cut = True
        try:
            response = render(request, template, context() if callable(context) else context)
        finally:
            request._page_cache_cut = False
        page = _storable(request, response)
        if page is None:  # not a page to keep (an error, a cookie of its own): as rendered, without the cut marks
            if not response.streaming:
                response.content = response.content.replace(CUT_MARK.encode(), b"")
            return response
        learner_pages.put(course, key, page)
    return _served(request, page)
