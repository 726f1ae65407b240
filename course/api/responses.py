"""HTTP details every endpoint shares: JSON bodies, ETags and 304s, cursors and Link, RateLimit headers, refusals."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse

from course.operations.ratelimit import Limit

MEDIA_TYPE = "application/json"
MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class Problem(Exception):
    """Raised anywhere in a request to answer with problem details (course.operations.problems)."""

    def __init__(self, status: int, detail: str = "", *, code: str = "", errors: list[dict] | None = None,
                 headers: dict | None = None, title: str = "") -> None:
        super().__init__(detail)
        self.status, self.detail, self.code, self.errors, self.headers, self.title = status, detail, code, errors, headers or {}, title


def accepts_json(request: HttpRequest) -> bool:
    """No Accept, or one that takes application/json (with a q above 0)."""
    accept = request.headers.get("Accept", "").strip()
    return not accept or accept in ("*/*", MEDIA_TYPE) or request.accepts(MEDIA_TYPE)


def dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(body: bytes, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored; * matches anything."""
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == bare for candidate in header.split(","))


def conditional(request: HttpRequest, body: bytes, *, private: bool, etag: str = "", headers: dict | None = None) -> HttpResponse:
    """200 with the body and its ETag, or 304 without a body when If-None-Match names that ETag."""
    etag = etag or etag_of(body)
    fields = {
        "ETag": etag,
        # Course content may be kept a minute by anyone; a learner's own data only by their client, and revalidated.
        "Cache-Control": "private, no-cache" if private else "public, max-age=60",
        "Vary": "Accept, Authorization, Cookie" if private else "Accept",
        **(headers or {}),
    }
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponse(status=304)
        for name, value in fields.items():
            response[name] = value
        return response
    return json_response(body, headers=fields)


def cursor_encode(value: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": value}).encode()).decode().rstrip("=")


def cursor_decode(cursor: str | None) -> int | None:
    """The position a cursor names; a 422 naming the parameter for one this API did not make."""
    if cursor is None or cursor == "":
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["k"]
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**62:
            return value
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        pass
    raise Problem(422, "This cursor was not made by this API; use next_cursor from a previous page, or leave it out.",
                  errors=[{"parameter": "cursor", "detail": "Not a cursor from this API."}])


def page_of(items: list, *, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """A page of an in-memory list (course content), and the cursor of the next page (None on the last)."""
    start = cursor_decode(cursor) or 0
    chosen = items[start:start + limit]
    return chosen, cursor_encode(start + limit) if start + limit < len(items) else None


def link_header(request: HttpRequest, next_cursor: str | None, limit: int) -> dict:
    """The Link header (RFC 8288) to the next page, as a client that does not read bodies would follow it."""
    if next_cursor is None:
        return {}
    query = {key: value for key, value in request.GET.items() if key not in ("cursor", "limit")}
    query.update(limit=limit, cursor=next_cursor)
    return {"Link": f'<{request.build_absolute_uri(request.path)}?{urlencode(query)}>; rel="next"'}


def ratelimit_headers(policy: str, limit: int, window: int, hit: Limit) -> dict:
    """The IETF RateLimit fields the course teaches: the quota (q per w seconds), and what is left (r) for how long (t)."""
    return {"RateLimit-Policy": f'"{policy}";q={limit};w={window}',
            "RateLimit": f'"{policy}";r={hit.remaining};t={hit.reset}'}
