"""The grader contract: a kind turns a snippet into a Grade, check by check.

A grader is pure: no I/O, no database, deterministic, bounded in input size.
Kinds register themselves with `@register("kind")`; each rule a kind offers
is a method marked `@rule("name", params=Model)`, and an exercise's checks
pick rules by name with their parameters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any, Callable, ClassVar

from pydantic import BaseModel, ConfigDict

MAX_SNIPPET_BYTES = 64 * 1024
INTERNAL_PROBLEM = "This check could not be completed on your answer because of a problem on our side; it has been logged."
logger = logging.getLogger(__name__)


class Params(BaseModel):
    """Parameters of a rule as written in an exercise's front matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    pass


@dataclass(frozen=True)
class Check:
    """One check of an exercise: which rule, with what parameters."""

    id: str
    rule: str
    params: Params
    teaches: str
    hint: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a rule found: passed or not, a reviewer's sentence, and the snippet line."""

    passed: bool
    message: str
    line: int | None = None
    # The rule whose check owns the defect that stopped this one (e.g. "valid"
    # for a node of the wrong type). When the exercise has that check and it
    # failed, this one reads "not checked because of it" instead of failing
    # for the same defect; otherwise this outcome reports the defect itself.
    blocked_by: str = ""
    # The JSON nodes (paths such as ("error", "code"); () is the whole document)
    # whose content made this check fail. A later failing check whose nodes all
    # lie at or under a node an earlier failing check reported is the same
    # defect seen again: it reads "not checked because of" that check.
    nodes: tuple[tuple, ...] = ()
    # True when the failure may be explained by any one of `nodes` (a list none of whose
    # items matched: one broken item, reported earlier, is enough to explain it).
    any_node: bool = False


class Misshapen(Exception):
    """Raised by a rule that meets a node of the wrong type: what was expected there, and its line."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


@dataclass(frozen=True)
class CheckResult:
    id: str
    passed: bool
    message: str
    hint: str
    teaches: str
    line: int | None = None
    not_checked_because: str = ""  # the id of the failed check whose defect kept this one from being checked


@dataclass(frozen=True)
class SnippetError:
    """Why a snippet could not be read at all, and where."""

    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = f" (line {self.line}" + (f", column {self.column}" if self.column is not None else "") + ")"
        return f"{self.message}{where}"


@dataclass(frozen=True)
class Grade:
    status: str  # "passed", "failed" or "error"
    score: float
    checks: tuple[CheckResult, ...] = ()
    error: SnippetError | None = None
    output: str = ""  # what learner code printed (python-handler), capped
    steps: tuple[dict, ...] = ()  # http-scenario: each step's request, response and the ids of its checks

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def result_for(self, check_id: str) -> CheckResult | None:
        return next((result for result in self.checks if result.id == check_id), None)

    def as_dict(self) -> dict[str, Any]:
        steps = {"steps": [dict(step) for step in self.steps]} if self.steps else {}
        return steps | {
            "status": self.status,
            "score": self.score,
            "error": None if self.error is None else {
                "message": self.error.message, "line": self.error.line, "column": self.error.column,
            },
            "checks": [
                {"id": c.id, "passed": c.passed, "message": c.message, "hint": c.hint, "teaches": c.teaches, "line": c.line}
                | ({"not_checked_because": c.not_checked_because} if c.not_checked_because else {})
                for c in self.checks
            ],
            "output": self.output,
        }


class Unreadable(Exception):
    """Raised by a grader's `parse` when the snippet is not what the kind reads."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.error = SnippetError(message, line, column)


@dataclass(frozen=True)
class Rule:
    name: str
    params: type[Params]
    method: Callable


def rule(name: str, *, params: type[Params] = NoParams) -> Callable:
    """Mark a grader method as the rule `name`, configured by `params`."""

    def mark(method: Callable) -> Callable:
        method._rule = Rule(name, params, method)
        return method

    return mark


class Grader:
    kind: ClassVar[str] = ""
    rules: ClassVar[dict[str, Rule]] = {}
    language: ClassVar[str] = "text"  # editor/highlighting language of snippets
    structure_rule: ClassVar[str] = ""  # the rule that owns wrong node types (Misshapen), if the kind has one

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        rules = dict(getattr(cls, "rules", {}))
        for value in vars(cls).values():
            marked = getattr(value, "_rule", None)
            if marked is not None:
                rules[marked.name] = marked
        cls.rules = rules

    def parse(self, snippet: str) -> Any:
        """Read the snippet into the artefact the rules inspect; raise Unreadable."""
        raise NotImplementedError

    def unreadable_for(self, artefact: Any, checks: tuple[Check, ...]) -> SnippetError | None:
        """A part these checks need could not be read (e.g. a JSON body, when a rule reads it)."""
        return None

    def prepare(self, artefact: Any, checks: tuple[Check, ...]) -> None:
        """Tell the artefact which rules this exercise checks (so a rule can leave a defect to the one that owns it)."""

    def implicit_checks(self, artefact: Any, checks: tuple[Check, ...]) -> tuple[Check, ...]:
        """Checks every answer of this kind gets when it has something for them (e.g. a Content-Length to verify)."""
        return ()

    def run_rule(self, check: Check, artefact: Any) -> Outcome:
        """One check's outcome; a wrong node type or a bug of ours becomes a failed check, never an exception."""
        spec = self.rules[check.rule]
        try:
            outcome = spec.method(self, artefact, check.params)
        except Misshapen as exc:
            outcome = Outcome(False, exc.message, exc.line, blocked_by=self.structure_rule)
        except RecursionError:
            outcome = Outcome(False, "The snippet is nested too deeply to check this.")
        except Exception:
            logger.exception("grader %s rule %s failed", self.kind, check.rule)
            outcome = Outcome(False, INTERNAL_PROBLEM)
        if outcome.passed is False and outcome.line is None:
            outcome = replace(outcome, line=1)  # every failure points somewhere the learner can look
        return outcome

    def grade(self, snippet: str, checks: tuple[Check, ...], *, support: str = "") -> Grade:
        """Grade `snippet` against `checks`; never raises for any snippet.

        `support` is the exercise's own helper code, for kinds that run code.
        """
        problem = snippet_problem(snippet)
        if problem is not None:
            return Grade("error", 0.0, error=problem)
        try:
            artefact = self.parse(snippet)
        except Unreadable as exc:
            return Grade("error", 0.0, error=exc.error)
        except RecursionError:
            return Grade("error", 0.0, error=SnippetError("The snippet is nested too deeply to read."))
        except Exception:  # a bug of ours must never reach the learner as a traceback
            logger.exception("grader %s failed to parse a snippet", self.kind)
            return Grade("error", 0.0, error=SnippetError("Your answer could not be read because of a problem on our side; it has been logged."))
        unreadable = self.unreadable_for(artefact, checks)
        if unreadable is not None:
            return Grade("error", 0.0, error=unreadable)
        self.prepare(artefact, checks)
        checks = tuple(checks) + self.implicit_checks(artefact, checks)
        outcomes = [self.run_rule(check, artefact) for check in checks]
        results = checks_results(checks, outcomes)
        passed = sum(result.passed for result in results)
        score = round(passed / len(results), 4) if results else 0.0
        status = "passed" if results and passed == len(results) else "failed"
        return Grade(status, score, tuple(results))


def checks_results(checks: tuple[Check, ...], outcomes: list[Outcome]) -> list[CheckResult]:
    """Turn outcomes into results; one defect fails one check, and the checks it stopped say so."""
    owners = {check.rule: check.id for check, outcome in zip(checks, outcomes) if not outcome.passed and not outcome.blocked_by}
    owned_nodes: list[tuple[tuple, str]] = []  # (node, id of the check that reported it), in check order
    results = []
    for check, outcome in zip(checks, outcomes):
        owner = owners.get(outcome.blocked_by) if not outcome.passed and outcome.blocked_by != check.rule else None
        if not owner and not outcome.passed and outcome.nodes:
            # Covered: at or under a node reported earlier; for a list that no item matched, an earlier
            # defect inside one of its items explains it too.
            covering = [next((by for node, by in owned_nodes
                              if mine[:len(node)] == node or (outcome.any_node and node[:len(mine)] == mine)), "")
                        for mine in outcome.nodes]
            explained = [by for by in covering if by]
            if explained and (outcome.any_node or len(explained) == len(covering)):
                owner = explained[0]
            else:
                owned_nodes.extend((node, check.id) for node in outcome.nodes)
        if owner:
            message = f"Not checked, because of what check '{owner}' reports: {outcome.message}"
            results.append(CheckResult(check.id, False, message, "", check.teaches, outcome.line, not_checked_because=owner))
            continue
        results.append(CheckResult(check.id, outcome.passed, outcome.message,
                                   "" if outcome.passed else check.hint, check.teaches, outcome.line))
    return results


def snippet_problem(snippet: str) -> SnippetError | None:
    """Limits every kind shares: size, NUL bytes, text that is not UTF-8."""
    try:
        size = len(snippet.encode("utf-8"))
    except UnicodeEncodeError:
        return SnippetError("The snippet is not valid UTF-8 text.")
    if size > MAX_SNIPPET_BYTES:
        return SnippetError(f"The snippet is {size:,} bytes; the limit is {MAX_SNIPPET_BYTES:,} bytes (64 KiB).")
    if "\x00" in snippet:
        before = snippet[: snippet.index("\x00")]
        return SnippetError("The snippet contains a NUL byte, which no text format here allows.",
                            before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
    if not snippet.strip():
        return SnippetError("The snippet is empty.")
    return None


_REGISTRY: dict[str, Grader] = {}


def register(kind: str) -> Callable[[type[Grader]], type[Grader]]:
    """Class decorator: make `kind` graded by this class. A kind registers once."""

    def add(cls: type[Grader]) -> type[Grader]:
        if kind in _REGISTRY:
            raise RuntimeError(f"grader kind '{kind}' is already registered by {type(_REGISTRY[kind]).__name__}")
        cls.kind = kind
        _REGISTRY[kind] = cls()
        return cls

    return add


def grader_for(kind: str) -> Grader | None:
    return _REGISTRY.get(kind)


def kinds() -> list[str]:
    return sorted(_REGISTRY)
