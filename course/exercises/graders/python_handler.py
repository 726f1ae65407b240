"""`python-handler`: the learner writes a Python function; scenarios call it.

The learner's code never runs in this process, not even compiled here: the
job goes to a confined child (course.sandbox) together with the exercise's
`support` code, which says how to call the answer for one scenario
(`def run(answer, case)`). Only the scenarios' inputs are sent; expected
values stay here, and the comparison is typed (true is not 1, 200.0 is not
200). Each scenario is one check.
"""

from __future__ import annotations

import logging
from typing import Any

from ..grading import Check, CheckResult, Grade, Grader, Outcome, Params, SnippetError, register, rule, snippet_problem
from .documents import show, type_name
from course.sandbox import service as sandbox_service
from course.sandbox.launcher import Limits, SandboxUnavailable

logger = logging.getLogger(__name__)


class ScenarioParams(Params):
    input: Any = None
    expect: Any = None
    raises: str | None = None  # an exception type name the call must raise instead of returning
    describe: str = "this scenario"


def first_difference(expected: Any, got: Any, path: str = "$") -> tuple[str, Any, Any] | None:
    """Where `got` first departs from `expected`, comparing types strictly."""
    if type_name(expected) != type_name(got):
        return path, expected, got
    if isinstance(expected, dict):
        for key in expected:
            if key not in got:
                return f"{path}.{key}", expected[key], _Missing
            found = first_difference(expected[key], got[key], f"{path}.{key}")
            if found:
                return found
        for key in got:
            if key not in expected:
                return f"{path}.{key}", _Missing, got[key]
        return None
    if isinstance(expected, list):
        for index, (a, b) in enumerate(zip(expected, got)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        if len(expected) != len(got):
            return f"{path}", f"{len(expected)} items", f"{len(got)} items"
        return None
    return None if expected == got else (path, expected, got)


class _MissingType:
    def __repr__(self) -> str:
        return "nothing"


_Missing = _MissingType()


def _show(value: Any, other: Any) -> str:
    if value is _Missing:
        return "nothing"
    if isinstance(value, str) and value.endswith(" items"):
        return value
    # Name the type only when the types are what differs (200 vs 200.0, true vs 1).
    differs = other is not _Missing and type_name(value) != type_name(other)
    return f"{show(value, 120)} ({type_name(value)})" if differs else show(value, 120)


@register("python-handler")
class PythonHandlerGrader(Grader):
    language = "python"
    needs_support = True

    def grade(self, snippet: str, checks: tuple[Check, ...], *, support: str = "") -> Grade:
        """Run the answer against every scenario in a sandbox; never runs it here."""
        problem = snippet_problem(snippet)
        if problem is not None:
            return Grade("error", 0.0, error=problem)
        job = {"code": snippet, "support": support, "inputs": [check.params.input for check in checks]}
        try:
            outcome = sandbox_service.run_job(job)  # Busy propagates: the web layer answers 503
        except SandboxUnavailable as exc:
            # The reason names host paths and packages: it is for the operator's log, not the learner.
            logger.error("python grading unavailable", extra={"reason": str(exc)[:500]})
            return Grade("error", 0.0, error=SnippetError("Python grading is unavailable on this server right now, so "
                                                          "nothing was run; try again later. (The operators have been told.)"))
        return self._interpret(outcome, checks)

    def _interpret(self, outcome, checks: tuple[Check, ...]) -> Grade:
        result = outcome.result or {}
        printed = (result.get("printed") if isinstance(result.get("printed"), str) else "") or ""
        printed = (printed + ("\n" + outcome.output if outcome.output else "")).strip("\n")[:10_000]
        limits = Limits()
        if outcome.status == "timeout":
            return self._error(f"Your code ran for more than {limits.wall_seconds:g} s and was stopped — an infinite loop, "
                               "or waiting for something that never comes?", printed)
        if outcome.status == "crashed":
            if outcome.returncode in (-9, 137, -24, 152) and outcome.seconds >= limits.cpu_seconds * 0.8:
                return self._error(f"Your code used more than {limits.cpu_seconds} s of CPU time and was stopped — an infinite loop?", printed)
            if outcome.returncode == 0:
                return self._error("Your code ended the process (os._exit or similar) before the scenarios finished.", printed)
            if outcome.returncode in (159, -31):  # SIGSYS: the seccomp filter's answer to a forbidden system call
                return self._error("Your code made a system call the sandbox does not allow, and was stopped.", printed)
            if outcome.returncode in (139, -11, 134, -6):  # SIGSEGV, SIGABRT
                return self._error("Your code crashed the Python interpreter (a recursion far too deep, or ctypes?).", printed)
            return self._error(f"Your code stopped the process before the scenarios finished (exit status {outcome.returncode}).", printed)
        if outcome.status == "too-big":
            return self._error(f"Your code sent back {outcome.detail}, past what one submission may return; "
                               "return smaller values.", printed)
        if outcome.status != "ok":
            return self._error(f"Your code's results could not be read ({outcome.detail}).", printed)
        replaced = result.get("replaced")
        if isinstance(replaced, list) and replaced:
            names = ", ".join(f"`{str(name)[:80]}`" for name in replaced[:5]) + (" and more" if len(replaced) > 5 else "")
            return self._error(f"Your code replaced {names}, which the grader itself needs to read your results, so "
                               "nothing was graded. Leave built-in functions and standard-library modules as they are: "
                               "give your own functions and values names of their own.", printed)
        syntax = result.get("syntax_error")
        if isinstance(syntax, dict):
            return Grade("error", 0.0, error=SnippetError(f"Python cannot read this: {syntax.get('message')}",
                                                          _int(syntax.get("line")), _int(syntax.get("column"))), output=printed)
        load = result.get("load_error")
        if isinstance(load, dict):
            line = _last_line(load)
            return Grade("error", 0.0, error=SnippetError(f"Your code raised {_exception(load, where=False)} while it was being "
                                                          f"loaded, before any scenario ran{_refusal(load)}", line), output=printed)
        results = result.get("results")
        if not isinstance(results, list) or len(results) != len(checks):
            return self._error("Your code's results could not be read (they do not match the scenarios).", printed)
        checked = [self._check(check, item) for check, item in zip(checks, results)]
        passed = sum(c.passed for c in checked)
        return Grade("passed" if passed == len(checked) else "failed", round(passed / len(checked), 4), tuple(checked), output=printed)

    def _check(self, check: Check, item: Any) -> CheckResult:
        p: ScenarioParams = check.params
        outcome = self._outcome(p, item)
        return CheckResult(check.id, outcome.passed, outcome.message, "" if outcome.passed else check.hint, check.teaches, outcome.line)

    def _outcome(self, p: ScenarioParams, item: Any) -> Outcome:
        if not isinstance(item, dict):
            return Outcome(False, f"{_cap(p.describe)}: the result could not be read.")
        if item.get("ok") is True and "value" in item:
            got = item["value"]
            if p.raises:
                return Outcome(False, f"{_cap(p.describe)}: expected your code to raise {p.raises}; it returned {show(got)}.")
            difference = first_difference(p.expect, got)
            if difference is None:
                return Outcome(True, f"{_cap(p.describe)}: returned {show(got, 240)}, as expected.")
            where, want, found = difference
            detail = "" if where == "$" else f" First difference at {where}: expected {_show(want, found)}, got {_show(found, want)}."
            return Outcome(False, f"{_cap(p.describe)}: expected {show(p.expect, 240)}, got {show(got, 240)}.{detail}")
        if "unreturnable" in item:
            return Outcome(False, f"{_cap(p.describe)}: your code returned a value that cannot be compared: {item['unreturnable']}.")
        error = item.get("error")
        if not isinstance(error, dict):
            return Outcome(False, f"{_cap(p.describe)}: the result could not be read.")
        line = _last_line(error)
        if p.raises and error.get("type") == p.raises:
            return Outcome(True, f"{_cap(p.describe)}: raised {p.raises}, as expected.", line)
        if error.get("type") == "MemoryError":
            return Outcome(False, f"{_cap(p.describe)}: your code ran out of memory (the limit is 512 MiB).", line)
        if not error.get("frames"):
            # Raised by the exercise's own support code, checking what the answer gave it.
            return Outcome(False, f"{_cap(p.describe)}: {str(error.get('message', ''))[:300]}")
        want = f"expected {p.raises}" if p.raises else "expected it to return a value"
        return Outcome(False, f"{_cap(p.describe)}: {want}, but your code raised {_exception(error)}{_refusal(error)}.", line)

    def _error(self, message: str, printed: str) -> Grade:
        return Grade("error", 0.0, error=SnippetError(message), output=printed)

    @rule("scenario", params=ScenarioParams)
    def scenario(self, artefact: Any, p: ScenarioParams) -> Outcome:
        """Call the answer with `input` (through the exercise's support code); it must return `expect` (typed) or raise `raises`."""
        raise NotImplementedError  # graded together in grade(); listed here so exercises can name it


def _int(value: Any) -> int | None:
    return value if type(value) is int else None


def _last_line(error: dict) -> int | None:
    frames = error.get("frames")
    if isinstance(frames, list) and frames and isinstance(frames[-1], dict):
        return _int(frames[-1].get("line"))
    return None


def _exception(error: dict, *, where: bool = True) -> str:
    kind = str(error.get("type", "an exception"))[:100]
    message = str(error.get("message", ""))[:300]
    frames = error.get("frames") if isinstance(error.get("frames"), list) else []
    location = ""
    if where and frames and isinstance(frames[-1], dict):
        last = frames[-1]
        code = str(last.get("code", "")).strip()
        location = f" on line {_int(last.get('line'))}" + (f" (`{code[:120]}`)" if code else "")
    return f"{kind}{': ' + message if message else ''}{location}"


def _refusal(error: dict) -> str:
    if error.get("refused") is not True:
        return ""
    return (" — the sandbox refused it: starting processes or threads, opening sockets, signalling other processes "
            "and changing system settings are not allowed in exercises")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
