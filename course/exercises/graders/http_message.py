"""`http-response` and `http-request`: a raw HTTP/1.1 message, checked like a reviewer would.

The start line and header fields are read line by line (so problems get a
line and column) and then handed to h11, a real HTTP/1.1 parser, which must
accept them too. LF-only line ends are fine. A JSON body is parsed when the
message says it is JSON or it looks like JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

import h11

from ..grading import Check, Grader, NoParams, Outcome, Params, SnippetError, Unreadable, register, rule

JSON_RULES = {"json", "error-envelope", "field-details", "problem-details"}
from .documents import (
    MISSING, JSON_TYPES, error_envelope_problems, field_details_problems, line_of_key, line_of_path, load_json,
    path_node, problem_details_problems, resolve, same_value, show, type_name,
)
from .reading import Located, read_json

# RFC 9110 names where Python's table still has the older RFC 7231 ones.
_REASONS = {413: "Content Too Large", 416: "Range Not Satisfiable", 422: "Unprocessable Content", 418: "(Unused)"}
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_STATUS_LINE = re.compile(r"^HTTP/([0-9](?:\.[0-9])?) +(\S+)(?: +(.*))?$")
_REQUEST_LINE = re.compile(r"^(\S+) +(\S+) +HTTP/([0-9](?:\.[0-9])?)$")
# Whitespace around a value is stripped with str.strip, not in the pattern:
# `(.*?)[ \t]*$` backtracks quadratically on a value with a long run of spaces.
_HEADER = re.compile(rf"^({_TOKEN}):(.*)$")
_BAD_VALUE_CHAR = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def status_text(code: int) -> str:
    if code in _REASONS:
        return f"{code} {_REASONS[code]}"
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


@dataclass(frozen=True)
class Header:
    name: str  # lower-case
    value: str
    line: int
    written: str  # as the learner wrote the name


@dataclass(frozen=True)
class Message:
    start_line: int
    headers: tuple[Header, ...]
    body: str
    body_line: int | None
    json: Any = MISSING
    json_error: SnippetError | None = None  # the body is labelled or looks like JSON but does not parse
    status: int | None = None
    reason: str = ""
    method: str = ""
    target: str = ""
    body_size: tuple[int, int] = (0, 0)  # bytes of the body as written, with LF and with CRLF line ends
    json_doc: Located | None = None  # the JSON body with the line of each node

    def header(self, name: str) -> Header | None:
        name = name.lower()
        return next((h for h in self.headers if h.name == name), None)

    def all_headers(self, name: str) -> list[Header]:
        name = name.lower()
        return [h for h in self.headers if h.name == name]

    @property
    def media_type(self) -> str:
        header = self.header("content-type")
        return header.value.split(";", 1)[0].strip().lower() if header else ""


def parse_message(snippet: str, *, response: bool) -> Message:
    lines = snippet.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index == len(lines):
        raise Unreadable("The snippet is empty.")
    start = index
    first = lines[start].strip()
    what = "status line" if response else "request line"
    status = reason = method = target = None
    if response:
        match = _STATUS_LINE.match(first)
        if not match:
            if _REQUEST_LINE.match(first):
                raise Unreadable("This is a request line; a response starts with a status line such as "
                                 "'HTTP/1.1 200 OK'", start + 1, 1)
            raise Unreadable("A response must start with a status line such as 'HTTP/1.1 200 OK'", start + 1, 1)
        version, code, reason = match.group(1), match.group(2), (match.group(3) or "").strip()
        if version != "1.1":
            raise Unreadable(f"Write the message as HTTP/1.1 (found HTTP/{version}); HTTP/2 and HTTP/3 have no "
                             "text form", start + 1, 6)
        if not re.fullmatch(r"[0-9]{3}", code) or not 100 <= int(code) <= 599:
            raise Unreadable(f"The status code must be three digits from 100 to 599, found '{code}'",
                             start + 1, first.index(code) + 1)
        status = int(code)
    else:
        match = _REQUEST_LINE.match(first)
        if not match:
            if _STATUS_LINE.match(first):
                raise Unreadable("This is a status line; a request starts with a request line such as "
                                 "'GET /v1/orders HTTP/1.1'", start + 1, 1)
            raise Unreadable("A request must start with a request line such as 'GET /v1/orders HTTP/1.1'", start + 1, 1)
        method, target, version = match.groups()
        if version != "1.1":
            raise Unreadable(f"Write the message as HTTP/1.1 (found HTTP/{version})", start + 1, len(first) - 2)
        if not re.fullmatch(_TOKEN, method):
            raise Unreadable(f"'{method}' is not a valid method name", start + 1, 1)
    headers: list[Header] = []
    index = start + 1
    while index < len(lines) and lines[index].strip():
        raw = lines[index]
        if raw[:1] in (" ", "\t"):
            raise Unreadable("Header lines cannot start with whitespace (line folding is obsolete, RFC 9112 §5.2)",
                             index + 1, 1)
        match = _HEADER.match(raw)
        if not match:
            colon = raw.find(":")
            if colon == -1:
                raise Unreadable(f"Expected a header field 'Name: value' or a blank line before the body; found "
                                 f"'{raw.strip()[:40]}'", index + 1, 1)
            bad = next((i for i, ch in enumerate(raw[:colon]) if not re.fullmatch(_TOKEN, ch)), 0)
            raise Unreadable("A header name is a token: letters, digits and !#$%&'*+.^_`|~- with no spaces before "
                             "the colon", index + 1, bad + 1)
        bad = _BAD_VALUE_CHAR.search(raw, match.start(2))
        if bad:
            raise Unreadable(f"A header value cannot contain the control character U+{ord(bad.group()):04X}",
                             index + 1, bad.start() + 1)
        headers.append(Header(match.group(1).lower(), match.group(2).strip(" \t"), index + 1, match.group(1)))
        index += 1
    _check_with_h11(lines[start:index], response=response, first_line=start + 1)
    body_lines = lines[index + 1 :] if index < len(lines) else []
    body = "\n".join(body_lines).strip("\n")
    written = "\n".join(body_lines).rstrip("\n")
    size = len(written.encode("utf-8"))
    body_line = None
    if body:
        offset = next(i for i, line in enumerate(body_lines) if line.strip())
        body_line = index + 2 + offset
    message = Message(start + 1, tuple(headers), body, body_line, status=status, reason=reason or "",
                      method=method or "", target=target or "", body_size=(size, size + written.count("\n")))
    media = message.media_type
    # Parse the body as JSON when it says it is JSON, or says nothing and looks like it.
    if body and (media.endswith("json") or (not media and body.lstrip()[:1] in "{[")):
        json_text = "\n".join(body_lines[offset:])
        try:
            document = read_json(json_text, first_line=body_line, what="JSON body")
            message = replace(message, json=document.value, json_doc=document)
        except Unreadable as exc:
            # Only an error if a check reads the JSON (see unreadable_for); otherwise
            # the checks on status and headers still say what is wrong.
            message = replace(message, json_error=exc.error)
    return message


def _h11_problem(head: list[str], *, response: bool) -> str | None:
    data = ("\r\n".join(head) + "\r\n\r\n").encode("utf-8")
    try:
        if response:
            connection = h11.Connection(h11.CLIENT)
            # h11 accepts a 101 only in answer to a request that proposed an upgrade.
            upgrade = [("Connection", "Upgrade"), ("Upgrade", "websocket")] if re.match(r"HTTP/\S+ +101\b", head[0]) else []
            connection.send(h11.Request(method="GET", target="/", headers=[("Host", "example.org"), *upgrade]))
        else:
            connection = h11.Connection(h11.SERVER)
        connection.receive_data(data)
        event = connection.next_event()
    except h11.RemoteProtocolError as exc:
        return str(exc)
    if event is h11.NEED_DATA:
        return "the message head is incomplete"
    return None


def _check_with_h11(head: list[str], *, response: bool, first_line: int) -> None:
    """h11, a real HTTP/1.1 parser, must accept the head too; its complaint gets the line that causes it."""
    problem = _h11_problem(head, response=response)
    if problem is None:
        return
    start_alone = head[:1] + ([] if response else ["Host: example.org"])
    if "Host" in problem or len(head) == 1 or _h11_problem(start_alone, response=response):
        raise Unreadable(_h11_message(problem), first_line)
    # The shortest prefix of the header lines that h11 refuses ends at the culprit
    # (log2(lines) parses). A request prefix borrows a Host so only the real problem shows.
    has_host = [False]
    for line in head[1:]:
        has_host.append(has_host[-1] or line.lower().startswith("host:"))
    low, high = 1, len(head) - 1
    while low < high:
        middle = (low + high) // 2
        prefix = head[: middle + 1] + ([] if response or has_host[middle] else ["Host: example.org"])
        if _h11_problem(prefix, response=response) is None:
            low = middle + 1
        else:
            high = middle
    prefix = head[: low + 1] + ([] if response or has_host[low] else ["Host: example.org"])
    line = first_line + low if _h11_problem(prefix, response=response) else first_line
    raise Unreadable(_h11_message(problem), line)


_BYTES_REPR = re.compile(r"(?:bytearray\()?b(['\"])(.*?)\1\)?", re.S)


def _h11_message(text: str) -> str:
    if "Host" in text:
        return "An HTTP/1.1 request must carry a Host header (RFC 9112 §3.2)"

    def quoted(match: re.Match) -> str:  # h11 quotes the offending bytes; show them as text, and not 60 KiB of them
        shown = match.group(2)
        return repr(shown if len(shown) <= 60 else shown[:57] + "...")

    return f"An HTTP/1.1 parser rejects this message head: {_BYTES_REPR.sub(quoted, text)}"


# --- parameters -------------------------------------------------------------

class StatusParams(Params):
    expect: int | list[int]
    because: str = ""


class HeaderParams(Params):
    name: str
    present: bool = True
    equals: str | None = None
    contains: str | None = None
    matches: str | None = None
    ignore_case: bool = False
    describe: str = ""  # what a right value looks like, in words
    because: str = ""


class HeaderListParams(Params):
    name: str
    includes: list[str] = []
    excludes: list[str] = []
    any_of: list[str] = []  # at least one of these
    case_sensitive: bool = False  # e.g. Access-Control-Allow-Methods: method names are case-sensitive
    because: str = ""


class ContentTypeParams(Params):
    expect: str | list[str]


class RetryAfterParams(Params):
    min_seconds: int = 1
    max_seconds: int = 86_400


class JsonParams(Params):
    path: str
    present: bool = True
    equals: Any = None
    one_of: list[Any] | None = None
    type: str | None = None
    matches: str | None = None
    describe: str = ""  # what a right value looks like, in words (instead of the regex)
    because: str = ""


class BodyParams(Params):
    matches: str
    describe: str
    because: str = ""


class MethodParams(Params):
    expect: str | list[str]
    because: str = ""


class TargetParams(Params):
    equals: str | None = None
    matches: str | None = None
    describe: str = ""


CONTENT_LENGTH_CHECK = Check(
    "content-length", "content-length", NoParams(), "/modules/api-fundamentals/#message-framing",
    "Count the body's bytes (UTF-8), or leave Content-Length out and let the framework set it.",
)


def _because(text: str) -> str:
    return f" ({text})" if text else ""


def _a(label: str) -> str:
    """'a Location header', 'an Authorization header', 'an ETag header'."""
    return f"an {label}" if label[:1].lower() in "aeio" or label.startswith("ETag") else f"a {label}"


class HttpMessageGrader(Grader):
    response: bool = True
    language = "http"

    def parse(self, snippet: str) -> Message:
        return parse_message(snippet, response=self.response)

    def unreadable_for(self, message: Message, checks) -> SnippetError | None:
        if message.json_error is not None and any(check.rule in JSON_RULES for check in checks):
            return message.json_error
        return None

    def implicit_checks(self, message: Message, checks) -> tuple[Check, ...]:
        # A Content-Length the learner wrote is always checked against the body:
        # a wrong one makes a real client read too little or wait for more.
        if message.header("content-length") is None or any(check.rule == "content-length" for check in checks):
            return ()
        return (CONTENT_LENGTH_CHECK,)

    @rule("content-length")
    def content_length(self, message: Message, p: NoParams) -> Outcome:
        """A Content-Length, when there is one, counts the body's bytes exactly (LF or CRLF line ends both count)."""
        headers = message.all_headers("content-length")
        if not headers:
            return Outcome(True, f"No Content-Length: the body ({message.body_size[0]} bytes) is delimited otherwise.")
        header = headers[0]
        here = f"(line {header.line})"
        if not re.fullmatch(r"[0-9]{1,15}", header.value):
            return Outcome(False, f"Expected Content-Length as a whole number of bytes; found '{header.value[:40]}' {here}.", header.line)
        declared = int(header.value)
        lf, crlf = message.body_size
        if message.status is not None and (message.status < 200 or message.status == 204):
            if declared == 0 and not lf:
                return Outcome(True, f"Content-Length: 0 on a {status_text(message.status)} response {here}.", header.line)
            return Outcome(False, f"A {status_text(message.status)} response has no content, so it sends no Content-Length "
                           f"(RFC 9110 §8.6); found Content-Length: {declared} {here}.", header.line)
        if message.status == 304 and not lf:
            return Outcome(True, f"Content-Length: {declared} on a 304 gives the size of the representation it stands for {here}.",
                           header.line)
        fits = {lf, crlf, lf + 1, crlf + 2} if lf else {0}
        if declared in fits:
            return Outcome(True, f"Content-Length: {declared} matches the body {here}.", header.line)
        counted = f"{lf} bytes" + (f" ({crlf} with CRLF line ends)" if crlf != lf else "")
        problem = "too short: a client stops reading before the end" if declared < lf else "too long: a client waits for bytes that never come"
        where = f" from line {message.body_line}" if message.body_line else ""
        return Outcome(False, f"Content-Length: {declared} {here} does not match the body, which is {counted}{where}; "
                       f"the header is {problem}.", header.line)

    @rule("header", params=HeaderParams)
    def header(self, message: Message, p: HeaderParams) -> Outcome:
        """The named header is present (or absent), optionally equal to, containing or matching a value."""
        headers = message.all_headers(p.name)
        label = _canonical(p.name)
        if not p.present:
            if headers:
                return Outcome(False, f"Expected no {label} header{_because(p.because)}; found one (line {headers[0].line}).", headers[0].line)
            return Outcome(True, f"No {label} header, as expected.")
        if not headers:
            want = f" ({p.describe})" if p.describe else _because(p.because)
            return Outcome(False, f"Expected {_a(label)} header{want}; found none.", message.start_line)
        # A header may repeat. RFC 9110 §5.3 reads repeated lines as one
        # comma-separated list (except Set-Cookie), so try each line and the list.
        candidates = list(headers)
        if len(headers) > 1 and p.name.lower() != "set-cookie":
            candidates.append(Header(headers[0].name, ", ".join(h.value for h in headers), headers[0].line, headers[0].written))
        first_problem = None
        for found in candidates:
            problem = _header_problem(found, p, label)
            if problem is None:
                return Outcome(True, f"{label}: {found.value} (line {found.line}).", found.line)
            first_problem = first_problem or problem
        return first_problem

    @rule("header-list", params=HeaderListParams)
    def header_list(self, message: Message, p: HeaderListParams) -> Outcome:
        """A comma-separated header (Allow, Vary, Cache-Control…) includes, excludes, or has any of the given items."""
        label = _canonical(p.name)
        headers = message.all_headers(p.name)
        if not headers:
            return Outcome(False, f"Expected {_a(label)} header listing {', '.join(p.includes)}{_because(p.because)}; found none.", message.start_line)
        fold = (lambda text: text) if p.case_sensitive else (lambda text: text.lower())
        items = [item.strip() for header in headers for item in header.value.split(",") if item.strip()]
        names = {fold(item.split("=", 1)[0].strip()) for item in items} | {fold(item.replace(" ", "")) for item in items}
        line = headers[0].line
        missing = [item for item in p.includes if fold(item.replace(" ", "")) not in names]
        extra = [item for item in p.excludes if fold(item.replace(" ", "")) in names]
        if p.any_of and not any(fold(item.replace(" ", "")) in names for item in p.any_of):
            return Outcome(False, f"Expected {label} to include {' or '.join(p.any_of)}{_because(p.because)}; found '{', '.join(items)}' (line {line}).", line)
        if missing:
            return Outcome(False, f"Expected {label} to include {', '.join(missing)}{_because(p.because)}; found '{', '.join(items)}' (line {line}).", line)
        if extra:
            return Outcome(False, f"Expected {label} not to include {', '.join(extra)}{_because(p.because)}; found '{', '.join(items)}' (line {line}).", line)
        return Outcome(True, f"{label} lists {', '.join(items)} (line {line}).", line)

    @rule("content-type", params=ContentTypeParams)
    def content_type(self, message: Message, p: ContentTypeParams) -> Outcome:
        """Content-Type names the expected media type (parameters such as charset are ignored)."""
        expected = p.expect if isinstance(p.expect, list) else [p.expect]
        wanted = " or ".join(expected)
        reader = "clients know" if self.response else "the server knows"
        header = message.header("content-type")
        if not header:
            return Outcome(False, f"Expected Content-Type: {wanted} so {reader} how to read the body; found no Content-Type.", message.start_line)
        if message.media_type not in [media.lower() for media in expected]:
            return Outcome(False, f"Expected Content-Type {wanted}; found {header.value} (line {header.line}).", header.line)
        return Outcome(True, f"Content-Type is {header.value} (line {header.line}).", header.line)

    @rule("no-body")
    def no_body(self, message: Message, p: NoParams) -> Outcome:
        """Nothing follows the headers (204 and 304 responses, most GET requests)."""
        if message.body:
            lines = message.body.count("\n") + 1
            why = f"a {status_text(message.status)} response" if message.status else "this message"
            return Outcome(False, f"Expected no body: {why} ends after its headers; found {lines} line(s) of body from line {message.body_line}.", message.body_line)
        return Outcome(True, "No body, as expected.")

    @rule("has-body")
    def has_body(self, message: Message, p: NoParams) -> Outcome:
        """Something follows the blank line after the headers."""
        if not message.body:
            return Outcome(False, "Expected a body after the blank line that ends the headers; found none.", message.start_line)
        return Outcome(True, f"Body starts on line {message.body_line}.", message.body_line)

    @rule("body-matches", params=BodyParams)
    def body_matches(self, message: Message, p: BodyParams) -> Outcome:
        """The body text matches a regular expression (multi-line), for bodies that are not JSON."""
        if not message.body:
            return Outcome(False, f"Expected a body with {p.describe}; found none.", message.start_line)
        if not re.search(p.matches, message.body, re.MULTILINE):
            return Outcome(False, f"Expected the body to be {p.describe}{_because(p.because)}; it is not (from line {message.body_line}).",
                           message.body_line)
        return Outcome(True, f"The body is {p.describe}.", message.body_line)

    @rule("json", params=JsonParams)
    def json(self, message: Message, p: JsonParams) -> Outcome:
        """The JSON body has a value at `path`, optionally of a type, equal to, one of, or matching a value."""
        if message.json is MISSING:
            if not p.present:
                return Outcome(True, f"No JSON body, so no {p.path}.")
            return Outcome(False, f"Expected a JSON body with {p.path}; found {'no body' if not message.body else 'a body that is not JSON'}.", message.body_line or message.start_line, nodes=((),))
        return json_path_outcome(message.json, p, message.body, message.body_line or 1)

    @rule("error-envelope")
    def error_envelope(self, message: Message, p: NoParams) -> Outcome:
        """The JSON body is an error envelope: error.code (machine), error.message (human), optional error.details."""
        return _shape(message, error_envelope_problems, "an error envelope {\"error\": {\"code\", \"message\", \"details\"}}")

    @rule("field-details")
    def field_details(self, message: Message, p: NoParams) -> Outcome:
        """error.details lists each invalid field with its field name and message."""
        return _shape(message, field_details_problems, "field-level details in error.details")

    @rule("problem-details")
    def problem_details(self, message: Message, p: NoParams) -> Outcome:
        """The body is RFC 9457 problem details, served as application/problem+json."""
        header = message.header("content-type")
        if message.media_type != "application/problem+json":
            found = header.value if header else "no Content-Type"
            return Outcome(False, f"Expected Content-Type: application/problem+json for RFC 9457 problem details; found {found}.",
                           header.line if header else message.start_line)
        return _shape(message, lambda doc: problem_details_problems(doc, message.status), "RFC 9457 problem details")


def _header_problem(found: Header, p: HeaderParams, label: str) -> Outcome | None:
    value = found.value
    compare = (lambda text: text.lower()) if p.ignore_case else (lambda text: text)
    if p.equals is not None and compare(value) != compare(p.equals):
        return Outcome(False, f"Expected {label}: {p.equals}{_because(p.because)}; found {label}: {value} (line {found.line}).", found.line)
    if p.contains is not None and compare(p.contains) not in compare(value):
        return Outcome(False, f"Expected {label} to contain '{p.contains}'{_because(p.because)}; found '{value}' (line {found.line}).", found.line)
    if p.matches is not None and not re.search(p.matches, value, re.IGNORECASE if p.ignore_case else 0):
        want = p.describe or f"a value matching {p.matches}"
        return Outcome(False, f"Expected {label} to be {want}{_because(p.because)}; found '{value}' (line {found.line}).", found.line)
    return None


def _shape(message: Message, check, what: str) -> Outcome:
    if message.json is MISSING:
        return Outcome(False, f"Expected {what} as a JSON body; found {'no body' if not message.body else 'a body that is not JSON'}.", message.body_line or message.start_line, nodes=((),))
    problems = check(message.json)
    if problems:
        wanted, key, _node = problems[0]
        line = (line_of_key(message.body, key, message.body_line) if key else None) or message.body_line
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return Outcome(False, f"Expected {wanted}{more} (line {line}).", line, nodes=tuple(node for *_, node in problems))
    return Outcome(True, f"The body is {what}.", message.body_line)


def json_path_outcome(document: Any, p: JsonParams, source: str, first_line: int) -> Outcome:
    value = resolve(document, p.path)
    line = line_of_path(source, p.path, first_line) or first_line
    node = (path_node(p.path),)
    if not p.present:
        if value is not MISSING:
            return Outcome(False, f"Expected no {p.path}{_because(p.because)}; found {show(value)} (line {line}).", line, nodes=node)
        return Outcome(True, f"No {p.path}, as expected.")
    if value is MISSING:
        blocked = _blocking_value(document, p.path)
        if blocked is None:
            found, node = "found nothing there", node
        else:
            where, found_value = blocked
            kind = type_name(found_value)
            wanted = "a list" if isinstance(found_value, dict) else "an object" if isinstance(found_value, list) else "an object or list"
            shown = show(found_value) if kind not in ("object", "array") else f"a JSON {kind}"
            found = f"{where or 'the document'} is {shown}, not {wanted}"
            node = (path_node(where),) if where else ((),)
        return Outcome(False, f"Expected the JSON to have {p.path}{_because(p.because)}; {found}.", first_line, nodes=node)
    if p.type is not None and type_name(value) != p.type and not (p.type == "number" and type_name(value) in ("integer", "number")):
        return Outcome(False, f"Expected {p.path} to be a JSON {p.type}{_because(p.because)}; found {type_name(value)} {show(value)} (line {line}).", line, nodes=node)
    if p.equals is not None and not same_value(p.equals, value):
        return Outcome(False, f"Expected {p.path} to be {show(p.equals)}{_because(p.because)}; found {show(value)} (line {line}).", line, nodes=node)
    if p.one_of is not None and not any(same_value(option, value) for option in p.one_of):
        options = ", ".join(show(option) for option in p.one_of)
        return Outcome(False, f"Expected {p.path} to be one of {options}{_because(p.because)}; found {show(value)} (line {line}).", line, nodes=node)
    if p.matches is not None and not (isinstance(value, str) and re.search(p.matches, value)):
        want = p.describe or f"a string matching {p.matches}"
        return Outcome(False, f"Expected {p.path} to be {want}{_because(p.because)}; found {show(value)} (line {line}).", line, nodes=node)
    return Outcome(True, f"{p.path} is {show(value)} (line {line}).", line)


def _blocking_value(document: Any, path: str) -> tuple[str, Any] | None:
    """The deepest existing prefix of `path` whose value cannot hold the next step (a scalar, or an object where a
    list is needed and the other way round); "" for the document itself. None when a member is simply absent."""
    parts = re.findall(r"[A-Za-z_][\w-]*|\[[0-9]+\]", path.removeprefix("$"))
    value, walked = document, ""
    for part in parts:
        index = part.startswith("[")
        if isinstance(value, dict) and not index and part in value:
            value, walked = value[part], f"{walked}.{part}" if walked else part
        elif isinstance(value, list) and index and int(part[1:-1]) < len(value):
            value, walked = value[int(part[1:-1])], walked + part
        elif isinstance(value, dict) and not index or isinstance(value, list) and index:
            return None  # the right kind of container, without that member or item
        else:
            return walked, value
    return None


def _canonical(name: str) -> str:
    special = {"etag": "ETag", "www-authenticate": "WWW-Authenticate", "x-request-id": "X-Request-ID"}
    return special.get(name.lower(), "-".join(part.capitalize() for part in name.split("-")))


@register("http-response")
class HttpResponseGrader(HttpMessageGrader):
    response = True

    @rule("status", params=StatusParams)
    def status(self, message: Message, p: StatusParams) -> Outcome:
        """The status code is the expected one (or one of a list)."""
        expected = p.expect if isinstance(p.expect, list) else [p.expect]
        found = f"{message.status} {message.reason}".strip()
        if message.status not in expected:
            want = " or ".join(status_text(code) for code in expected)
            return Outcome(False, f"Expected {want}{_because(p.because)}; found {found} (line {message.start_line}).", message.start_line)
        return Outcome(True, f"Status {found} (line {message.start_line}).", message.start_line)

    @rule("retry-after", params=RetryAfterParams)
    def retry_after(self, message: Message, p: RetryAfterParams) -> Outcome:
        """Retry-After is present, as whole seconds within bounds or an HTTP date.

        A date is checked for form only: grading is deterministic, so it
        cannot compare the date with the clock.
        """
        header = message.header("retry-after")
        if not header:
            return Outcome(False, "Expected a Retry-After header telling the client when to try again (seconds or an HTTP date); found none.", message.start_line)
        value = header.value
        if re.fullmatch(r"[0-9]+", value):
            seconds = int(value)
            if not p.min_seconds <= seconds <= p.max_seconds:
                return Outcome(False, f"Expected Retry-After between {p.min_seconds} and {p.max_seconds} seconds; found {seconds} (line {header.line}).", header.line)
            return Outcome(True, f"Retry-After: {seconds} seconds (line {header.line}).", header.line)
        # Senders must use the IMF-fixdate form (RFC 9110 §5.6.7): Sun, 06 Nov 1994 08:49:37 GMT
        fixdate = re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT", value)
        try:
            parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            fixdate = None
        if not fixdate:
            return Outcome(False, f"Expected Retry-After as whole seconds (e.g. 30) or an HTTP date such as "
                           f"'Sun, 01 Mar 2026 09:30:30 GMT'; found '{value}' (line {header.line}).", header.line)
        return Outcome(True, f"Retry-After is an HTTP date (line {header.line}).", header.line)


@register("http-request")
class HttpRequestGrader(HttpMessageGrader):
    response = False

    @rule("method", params=MethodParams)
    def method(self, message: Message, p: MethodParams) -> Outcome:
        """The request method is the expected one (or one of a list)."""
        expected = p.expect if isinstance(p.expect, list) else [p.expect]
        if message.method not in [m.upper() for m in expected]:
            return Outcome(False, f"Expected the {' or '.join(expected)} method{_because(p.because)}; found {message.method} (line {message.start_line}).", message.start_line)
        return Outcome(True, f"Method {message.method} (line {message.start_line}).", message.start_line)

    @rule("target", params=TargetParams)
    def target(self, message: Message, p: TargetParams) -> Outcome:
        """The request target equals or matches the expected one."""
        target = message.target
        if p.equals is not None and target != p.equals:
            return Outcome(False, f"Expected the request target {p.equals}; found {target} (line {message.start_line}).", message.start_line)
        if p.matches is not None and not re.search(p.matches, target):
            want = p.describe or f"a target matching {p.matches}"
            return Outcome(False, f"Expected {want}; found {target} (line {message.start_line}).", message.start_line)
        return Outcome(True, f"Target {target} (line {message.start_line}).", message.start_line)
