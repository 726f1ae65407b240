"""`http-scenario`: the learner writes a small WSGI API; the grader drives it request by request.

The exercise's ```yaml support``` block lists the steps (method, target, headers, body), whose
values may come from earlier responses (`{{ create.headers.Location }}`, `{{ page1.json.next }}`).
One submission runs every step in ONE sandbox, so the app keeps its state in memory between them;
this process decides each request from the answers before it, and the expected values never leave
it. Each check looks at one step's response. An exception in the app is that step's 500, shown
with the learner's own lines; a step that needs a value an earlier step did not give is not sent,
and says so.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from course.sandbox import service as sandbox_service
from course.sandbox.launcher import SandboxUnavailable, Stopped

from ..grading import (
    Check, CheckResult, Grade, Grader, Outcome, Params, SnippetError, Unreadable, grader_for, register, rule, snippet_problem,
)
from .documents import MISSING, load_yaml, problem_details_problems, resolve, same_value, show, type_name


class _Unset:
    def __repr__(self) -> str:
        return "not set"


UNSET = _Unset()  # `equals` left out (None is a value one may expect)

logger = logging.getLogger(__name__)

SHOWN_BODY = 2048
_TEMPLATE = re.compile(r"\{\{\s*([a-z0-9][a-z0-9-]*)\.(status|headers|json|body)(?:\.([^{}]+?))?\s*\}\}")
_NAME = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class Step(BaseModel):
    """One request the grader sends, as the exercise's support block writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME)
    describe: str = ""
    method: str = Field(pattern=r"^[A-Z]+$")
    target: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = None
    json_body: Any = Field(default=MISSING, alias="json")
    repeat: int = Field(default=1, ge=1, le=30)  # send it this many times; checks read the last answer

    @model_validator(mode="after")
    def _one_body(self) -> "Step":
        if self.body is not None and self.json_body is not MISSING:
            raise ValueError("a step has either 'body' or 'json', not both")
        return self


class Steps(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: list[Step] = Field(min_length=1, max_length=40)


class StepParams(Params):
    step: str = Field(pattern=_NAME)


class StatusParams(StepParams):
    expect: int | list[int]


class HeaderParams(StepParams):
    name: str = Field(min_length=1)
    present: bool = True
    equals: str | None = None  # may be a {{ template }} of an earlier answer
    matches: str | None = None  # a regular expression the whole value must match
    contains: str | None = None  # one comma-separated element, case-insensitive (Vary, Allow, Cache-Control)


class JsonParams(StepParams):
    path: str = "$"
    present: bool = True
    type: Literal["string", "number", "integer", "boolean", "object", "array", "null"] | None = None
    equals: Any = UNSET  # a {{ template }} string is replaced by the earlier value it names


class ProblemParams(StepParams):
    pointers: list[str] = Field(default_factory=list)  # JSON Pointers each named in errors[].pointer


class SameAsParams(StepParams):
    other: str = Field(pattern=_NAME)


@dataclass
class Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    size: int
    truncated: bool = False
    raised: dict | None = None  # the app's exception, when this 500 is ours
    _json: Any = field(default=MISSING, repr=False)

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return ", ".join(values) if values else None

    def json(self) -> Any:
        """The body as JSON, or MISSING (not JSON, or cut at the size limit)."""
        if self._json is MISSING and not self.truncated:
            try:
                self._json = json.loads(self.body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError, RecursionError):
                self._json = MISSING
        return self._json

    def as_http(self) -> str:
        lines = [f"HTTP/1.1 {self.status} {self.reason}".rstrip()] + [f"{k}: {v}" for k, v in self.headers]
        text = self.body[:SHOWN_BODY].decode("utf-8", "replace")
        more = self.size - min(len(self.body), SHOWN_BODY)
        return "\n".join(lines) + "\n\n" + text + (f"\n… ({more:,} more bytes not shown)" if more > 0 else "")


class Missing(Exception):
    """A step needs a value an earlier step did not provide."""


@register("http-scenario")
class HttpScenarioGrader(Grader):
    language = "python"
    needs_support = True

    def grade(self, snippet: str, checks: tuple[Check, ...], *, support: str = "") -> Grade:
        """Drive the app through every step in one sandbox; never runs it here."""
        problem = snippet_problem(snippet)
        if problem is not None:
            return Grade("error", 0.0, error=problem)
        try:
            steps = parse_steps(support)
        except Unreadable as exc:
            logger.error("http-scenario exercise has unreadable steps: %s", exc)
            return Grade("error", 0.0, error=SnippetError(f"This exercise's steps cannot be read ({exc}); it has been logged."))
        names = {step.name for step in steps}
        unknown = sorted({check.params.step for check in checks} - names)
        if unknown:
            return Grade("error", 0.0, error=SnippetError(f"This exercise's checks name steps it does not have: {', '.join(unknown)}."))
        run = Run(steps, checks)
        try:
            with sandbox_service.conversation({"mode": "wsgi", "code": snippet, "support": "", "inputs": []}) as sandbox:
                loaded = sandbox.ask()
                error = _load_problem(loaded)
                if error is not None:
                    return Grade("error", 0.0, error=error, output=_text(loaded.get("printed")))
                run.printed.append(_text(loaded.get("printed")))
                for step in steps:
                    run.step(step, sandbox)
                    if run.stopped or run.replaced:
                        break
        except Stopped as exc:
            run.stop(_stopped_message(exc.outcome))
        except SandboxUnavailable as exc:
            logger.error("python grading unavailable", extra={"reason": str(exc)[:500]})
            return Grade("error", 0.0, error=SnippetError("Python grading is unavailable on this server right now, so "
                                                          "nothing was run; try again later. (The operators have been told.)"))
        if run.replaced:
            return Grade("error", 0.0, error=SnippetError(run.replaced), output=run.output())
        return run.grade(self)

    @rule("status", params=StatusParams)
    def status(self, response: Response, p: StatusParams, run: "Run") -> Outcome:
        """The step's response has this status code (or one of these)."""
        wanted = p.expect if isinstance(p.expect, list) else [p.expect]
        if response.status in wanted:
            return Outcome(True, f"answered {response.status}, as expected.")
        expect = " or ".join(str(code) for code in wanted)
        why = f" — your app raised {_exception(response.raised)}" if response.raised else ""
        return Outcome(False, f"expected status {expect}, got {response.status} {response.reason}{why}.",
                       _line(response.raised))

    @rule("header", params=HeaderParams)
    def header(self, response: Response, p: HeaderParams, run: "Run") -> Outcome:
        """A header is present (or absent), equal to a value, matching a pattern, or listing an element."""
        value = response.header(p.name)
        if not p.present:
            return Outcome(value is None, f"has no {p.name} header, as expected." if value is None
                           else f"expected no {p.name} header, found {show(value)}.")
        if value is None:
            names = ", ".join(sorted({k for k, _ in response.headers})) or "none at all"
            return Outcome(False, f"expected a {p.name} header; the response has none (headers: {names}).")
        if p.equals is not None:
            wanted = str(run.expected(p.equals))
            if value != wanted:
                return Outcome(False, f"expected {p.name}: {show(wanted, 120)}, found {show(value, 120)}.")
        if p.matches is not None and not re.fullmatch(p.matches, value):
            return Outcome(False, f"{p.name}: {show(value, 120)} is not of the expected form.")
        if p.contains is not None:
            elements = [part.strip().lower() for part in value.split(",")]
            if p.contains.lower() not in elements:
                return Outcome(False, f"expected {p.name} to list {p.contains}; it is {show(value, 120)}.")
        return Outcome(True, f"{p.name}: {show(value, 120)}, as expected.")

    @rule("json", params=JsonParams)
    def json_value(self, response: Response, p: JsonParams, run: "Run") -> Outcome:
        """The JSON body has a value at `path`: present or absent, of a type, equal to a value."""
        document = response.json()
        if document is MISSING:
            return Outcome(False, f"expected a JSON body; found {_body_summary(response)}.")
        found = resolve(document, p.path)
        if not p.present:
            return Outcome(found is MISSING, f"has nothing at {p.path}, as expected." if found is MISSING
                           else f"expected nothing at {p.path}, found {show(found)}.")
        if found is MISSING:
            return Outcome(False, f"expected a value at {p.path} in the JSON body; there is none.")
        if p.type is not None and type_name(found) != p.type and not (p.type == "number" and type_name(found) == "integer"):
            return Outcome(False, f"expected {p.path} to be a {p.type}, found {show(found)} ({type_name(found)}).")
        if p.equals is not UNSET:
            wanted = run.expected(p.equals)
            if not same_value(wanted, found):
                return Outcome(False, f"expected {p.path} to be {show(wanted)}, found {show(found)}.")
        return Outcome(True, f"{p.path} is {show(found)}, as expected.")

    @rule("problem", params=ProblemParams)
    def problem(self, response: Response, p: ProblemParams, run: "Run") -> Outcome:
        """An RFC 9457 problem details body, as application/problem+json, naming each invalid field's pointer."""
        media = (response.header("Content-Type") or "").split(";")[0].strip().lower()
        if media != "application/problem+json":
            return Outcome(False, f"expected Content-Type: application/problem+json, found {show(media or None)}.")
        document = response.json()
        if document is MISSING:
            return Outcome(False, f"expected a problem details JSON body; found {_body_summary(response)}.")
        problems = problem_details_problems(document, response.status)
        if problems:
            return Outcome(False, "the problem details need " + "; ".join(text for text, *_ in problems) + ".")
        errors = document.get("errors")
        named = {item.get("pointer") for item in errors if isinstance(item, dict)} if isinstance(errors, list) else set()
        missing = [pointer for pointer in p.pointers if pointer not in named]
        if missing:
            return Outcome(False, f"expected \"errors\" to name every invalid field by JSON Pointer; missing: {', '.join(missing)}.")
        return Outcome(True, "a complete problem details body" + (f" naming {', '.join(p.pointers)}" if p.pointers else "") + ".")

    @rule("empty-body", params=StepParams)
    def empty_body(self, response: Response, p: StepParams, run: "Run") -> Outcome:
        """The response has no body (204, 304, HEAD)."""
        if response.size == 0:
            return Outcome(True, "has no body, as expected.")
        return Outcome(False, f"expected no body; found {_body_summary(response)}.")

    @rule("same-as", params=SameAsParams)
    def same_as(self, response: Response, p: SameAsParams, run: "Run") -> Outcome:
        """The same status and body as an earlier step's response (a replay)."""
        other = run.responses.get(p.other)
        if other is None:
            return Outcome(False, f"cannot compare with step {p.other}, which got no response.")
        if (response.status, response.body) == (other.status, other.body):
            return Outcome(True, f"the same {response.status} response as step {p.other}, as expected.")
        return Outcome(False, f"expected the same response as step {p.other} ({other.status}, {_body_summary(other)}); "
                       f"got {response.status}, {_body_summary(response)}.")


class Run:
    """One submission's way through the steps: requests sent, answers got, checks judged."""

    def __init__(self, steps: list[Step], checks: tuple[Check, ...]) -> None:
        self.steps = steps
        self.checks = checks
        self.responses: dict[str, Response] = {}
        self.results: dict[str, CheckResult] = {}
        self.feedback: list[dict] = []
        self.printed: list[str] = []
        self.stopped = ""
        self.replaced = ""

    def expected(self, value: Any) -> Any:
        """An expected value, with a whole-string {{ template }} replaced by the earlier value it names."""
        if isinstance(value, str):
            match = _TEMPLATE.fullmatch(value.strip())
            if match:
                return self.lookup(match)
        return value

    def lookup(self, match: re.Match) -> Any:
        name, part, path = match.groups()
        response = self.responses.get(name)
        if response is None:
            raise Missing(f"step {name} got no response")
        if part == "status":
            return response.status
        if part == "body":
            return response.body.decode("utf-8", "replace")
        if part == "headers":
            value = response.header(path or "")
            if value is None:
                raise Missing(f"step {name}'s response has no {path} header")
            return value
        document = response.json()
        found = MISSING if document is MISSING else resolve(document, path or "$")
        if found is MISSING:
            raise Missing(f"step {name}'s JSON body has nothing at {path or '$'}")
        return found

    def fill(self, text: str) -> str:
        return _TEMPLATE.sub(lambda match: _as_text(self.lookup(match)), text)

    def request(self, step: Step) -> dict:
        target = self.fill(step.target)
        headers = [(name, self.fill(value)) for name, value in step.headers.items()]
        if step.json_body is not MISSING:
            body = json.dumps(_filled(step.json_body, self))
            if not any(name.lower() == "content-type" for name, _ in headers):
                headers.append(("Content-Type", "application/json"))
        else:
            body = self.fill(step.body) if step.body is not None else ""
        parts = urllib.parse.urlsplit(target)
        return {"method": step.method, "path": urllib.parse.unquote(parts.path or "/", encoding="latin-1"),
                "query": parts.query, "headers": headers, "body": body.encode("utf-8").decode("latin-1"),
                "_shown": _request_text(step.method, target, headers, body)}

    def step(self, step: Step, sandbox) -> None:
        mine = [check for check in self.checks if check.params.step == step.name]
        entry = {"name": step.name, "describe": step.describe, "checks": [check.id for check in mine],
                 "request": "", "response": "", "note": "", "state": "passed"}
        self.feedback.append(entry)
        try:
            request = self.request(step)
        except Missing as exc:
            entry.update(state="skipped", note=f"Not sent: it needs a value that {exc}.")
            for check in mine:
                self._result(check, Outcome(False, f"Step {step.name} was not sent: it needs a value that {exc}."))
            return
        entry["request"] = request.pop("_shown")
        for _ in range(step.repeat):
            answer = sandbox.ask(request)
            self.printed.append(_text(answer.get("printed")))
            if answer.get("replaced"):
                self.replaced = _replaced_message(answer["replaced"])
                return
        response = _response(answer)
        self.responses[step.name] = response
        entry["response"] = response.as_http()
        if response.raised:
            entry["note"] = f"Your app raised {_exception(response.raised)}; the grader answered 500 for it."
        for check in mine:
            spec = HttpScenarioGrader.rules[check.rule]
            try:
                outcome = spec.method(grader(), response, check.params, self)
            except Missing as exc:
                outcome = Outcome(False, f"cannot be checked: {exc}.")
            except re.error:
                outcome = Outcome(False, "cannot be checked: the exercise's pattern is not valid.")
            self._result(check, Outcome(outcome.passed, f"Step {step.name}: {outcome.message}", outcome.line))

    def stop(self, message: str) -> None:
        self.stopped = message
        done = {entry["name"] for entry in self.feedback}
        if self.feedback and self.feedback[-1]["state"] != "skipped":
            self.feedback[-1].update(state="stopped", note=message)
        for step in self.steps:
            if step.name not in done:
                self.feedback.append({"name": step.name, "describe": step.describe, "request": "", "response": "",
                                      "checks": [c.id for c in self.checks if c.params.step == step.name],
                                      "state": "skipped", "note": "Not sent: the app had stopped."})
        for check in self.checks:
            if check.id not in self.results:
                self._result(check, Outcome(False, f"Step {check.params.step}: not checked, because {message[0].lower()}{message[1:]}"))

    def _result(self, check: Check, outcome: Outcome) -> None:
        self.results[check.id] = CheckResult(check.id, outcome.passed, outcome.message,
                                             "" if outcome.passed else check.hint, check.teaches, outcome.line)

    def output(self) -> str:
        return "\n".join(part for part in self.printed if part)[:10_000]

    def grade(self, grader: Grader) -> Grade:
        results = tuple(self.results[check.id] for check in self.checks if check.id in self.results)
        opened = False
        for entry in self.feedback:
            failed = any(not self.results[cid].passed for cid in entry["checks"] if cid in self.results)
            if failed and entry["state"] == "passed":
                entry["state"] = "failed"
            entry["open"] = failed and not opened
            opened = opened or failed
        passed = sum(result.passed for result in results)
        status = "passed" if results and passed == len(results) else "failed"
        return Grade(status, round(passed / len(results), 4) if results else 0.0, results, output=self.output(),
                     steps=tuple(self.feedback))


@lru_cache(maxsize=1)
def grader() -> HttpScenarioGrader:
    return grader_for("http-scenario")


@lru_cache(maxsize=256)
def _parse_steps(support: str) -> tuple[Step, ...]:
    document = load_yaml(support)
    try:
        steps = Steps.model_validate(document).steps
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise Unreadable(f"{where}: {error['msg']}") from None
    names = [step.name for step in steps]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise Unreadable(f"step names must be unique: {', '.join(duplicates)}")
    for index, step in enumerate(steps):
        earlier = set(names[:index])
        texts = [step.target, *step.headers.values(), step.body or "", json.dumps(step.json_body) if step.json_body is not MISSING else ""]
        for text in texts:
            for match in _TEMPLATE.finditer(text):
                if match[1] not in earlier:
                    raise Unreadable(f"step {step.name} uses {match[0]}, but {match[1]} is not an earlier step")
        for name in step.headers:
            if not _TOKEN.match(name):
                raise Unreadable(f"step {step.name}: {name!r} is not a header name")
    return tuple(steps)


def parse_steps(support: str) -> tuple[Step, ...]:
    """The steps of an exercise's support block, validated (templates name earlier steps only)."""
    return _parse_steps(support)


def describe_steps(exercise) -> list[dict]:
    """Each step as written (templates left in), with the checks made on its answer: shown before submitting."""
    try:
        steps = parse_steps(exercise.support)
    except Unreadable:
        return []
    described = []
    for step in steps:
        headers = list(step.headers.items())
        body = step.body or ""
        if step.json_body is not MISSING:
            body = json.dumps(step.json_body)
            if not any(name.lower() == "content-type" for name, _ in headers):
                headers.append(("Content-Type", "application/json"))
        checks = [check for check in exercise.checks if check.params.step == step.name]
        described.append({"name": step.name, "describe": step.describe, "repeat": step.repeat,
                          "request": _request_text(step.method, step.target, headers, body),
                          "checks": [check.rule for check in checks]})
    return described


def _filled(value: Any, run: Run) -> Any:
    if isinstance(value, str):
        match = _TEMPLATE.fullmatch(value.strip())
        return run.lookup(match) if match else run.fill(value)
    if isinstance(value, list):
        return [_filled(item, run) for item in value]
    if isinstance(value, dict):
        return {key: _filled(item, run) for key, item in value.items()}
    return value


def _response(answer: dict) -> Response:
    if isinstance(answer.get("error"), dict):
        error = answer["error"]
        text = f"{error.get('type', 'Exception')}: {error.get('message', '')}"
        return Response(500, "Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")],
                        text.encode("utf-8"), len(text.encode("utf-8")), raised=error)
    if isinstance(answer.get("invalid"), str):
        text = f"The app broke the WSGI contract: {answer['invalid']}"
        return Response(500, "Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")],
                        text.encode("utf-8"), len(text.encode("utf-8")),
                        raised={"type": "WSGI error", "message": answer["invalid"][:300], "frames": []})
    status_line = str(answer.get("status", "500 Internal Server Error"))
    headers = [(str(k), str(v)) for k, v in answer.get("headers", []) if isinstance(answer.get("headers"), list)]
    body = str(answer.get("body", "")).encode("latin-1", "replace")
    size = answer.get("size") if type(answer.get("size")) is int else len(body)
    return Response(int(status_line[:3]), status_line[4:], headers, body, size, truncated=answer.get("truncated") is True)


def _load_problem(loaded: dict) -> SnippetError | None:
    if isinstance(loaded.get("syntax_error"), dict):
        syntax = loaded["syntax_error"]
        return SnippetError(f"Python cannot read this: {syntax.get('message')}", _int(syntax.get("line")), _int(syntax.get("column")))
    if isinstance(loaded.get("load_error"), dict):
        error = loaded["load_error"]
        return SnippetError(f"Your code raised {_exception(error, where=False)} while it was being loaded, before any "
                            "step was sent", _line(error))
    if loaded.get("replaced"):
        return SnippetError(_replaced_message(loaded["replaced"]))
    if isinstance(loaded.get("no_app"), str):
        return SnippetError(_cap(loaded["no_app"]) + "; the grader sends every request to it.")
    if loaded.get("loaded") is not True:
        return SnippetError("Your code's answer could not be read.")
    return None


def _stopped_message(outcome) -> str:
    if outcome.status == "timeout":
        return "Your app ran out of time (the whole scenario may take 3 s) — an infinite loop, or waiting for something?"
    if outcome.status == "too-big":
        return f"Your app sent back {outcome.detail}, past what one submission may return."
    if outcome.returncode in (-9, 137, -24, 152):
        return "Your app used more than its CPU time and was stopped — an infinite loop?"
    if outcome.returncode in (159, -31):
        return "Your app made a system call the sandbox does not allow, and was stopped."
    return "Your app's process ended before the scenario finished (os._exit, or a crash)."


def _replaced_message(replaced: list) -> str:
    names = ", ".join(f"`{str(name)[:80]}`" for name in replaced[:5])
    return (f"Your code replaced {names}, which the grader itself needs, so nothing was graded. Leave built-in "
            "functions and standard-library modules as they are.")


def _request_text(method: str, target: str, headers: list[tuple[str, str]], body: str) -> str:
    lines = [f"{method} {target} HTTP/1.1", "Host: api.example", *[f"{k}: {v}" for k, v in headers]]
    if body:
        lines.append(f"Content-Length: {len(body.encode('utf-8'))}")
    shown = body[:SHOWN_BODY] + ("\n…" if len(body) > SHOWN_BODY else "")
    return "\n".join(lines) + "\n\n" + shown


def _body_summary(response: Response) -> str:
    if response.size == 0:
        return "an empty body"
    text = response.body[:80].decode("utf-8", "replace")
    return f"{response.size:,} bytes starting {show(text, 60)}"


def _exception(error: dict | None, *, where: bool = True) -> str:
    if not error:
        return ""
    kind = str(error.get("type", "an exception"))[:100]
    message = str(error.get("message", ""))[:300]
    frames = error.get("frames") if isinstance(error.get("frames"), list) else []
    location = ""
    if where and frames and isinstance(frames[-1], dict):
        last = frames[-1]
        code = str(last.get("code", "")).strip()
        location = f" on line {_int(last.get('line'))}" + (f" (`{code[:120]}`)" if code else "")
    refused = " — the sandbox refused it: that is not allowed in exercises" if error.get("refused") is True else ""
    return f"{kind}{': ' + message if message else ''}{location}{refused}"


def _line(error: dict | None) -> int | None:
    frames = (error or {}).get("frames")
    if isinstance(frames, list) and frames and isinstance(frames[-1], dict):
        return _int(frames[-1].get("line"))
    return None


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if type(value) is int else None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
