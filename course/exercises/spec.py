"""An exercise as authors write it: front matter, a prompt, and fenced samples.

    ---
    title: Answer a create request
    kind: http-response
    hint: A general hint, offered after two failed attempts.   # optional
    checks:
      - id: status
        rule: status
        expect: 201
        teaches: /modules/api-fundamentals/#status-codes
        hint: What does a server answer when it made something new?
    ---
    The prompt, in Markdown.

    ```http starter
    ...
    ```
    ```http solution
    ...
    ```
    ```http wrong fails=status
    ...
    ```

Everything else in a check's entry is a parameter of its rule, validated by
the rule's own schema.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from course.content.documents import Problem, Source
from course.content.frontmatter import FrontMatter
from course.content.rendering import Rendered, render
from course.content.schema import SchemaProblem, validate

from . import graders  # noqa: F401  (fills the grader registry)
from .grading import Check, grader_for, kinds

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+#.-]*)[ \t]+(?P<role>starter|solution|wrong|support)\b(?P<rest>.*)$")
_CHECK_KEYS = {"id", "rule", "teaches", "hint"}


class ExerciseMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    title: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    summary: str = ""
    hint: str = ""
    checks: list[dict] = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Sample:
    text: str
    line: int  # file line of the opening fence
    fails: str = ""  # for wrong answers: the check id it must fail, or "error"


@dataclass(frozen=True)
class Exercise:
    slug: str
    order: int
    module: str
    title: str
    kind: str
    summary: str
    hint: str
    checks: tuple[Check, ...]
    prompt: Rendered
    starter: Sample
    solution: Sample
    wrong: tuple[Sample, ...]
    aliases: tuple[str, ...]
    source: Source = field(repr=False, compare=False)
    support: str = ""  # the exercise's helper code (python-handler: how to call the answer)
    check_lines: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def url(self) -> str:
        return f"/exercises/{self.slug}/"

    @property
    def body(self) -> Rendered:
        return self.prompt

    @property
    def language(self) -> str:
        grader = grader_for(self.kind)
        return grader.language if grader else "text"


def build_exercise(path: Path, text: str, front: FrontMatter, *, module: str, order: int, slug: str
                   ) -> tuple[Exercise | None, list[Problem]]:
    """Read an exercise file whose front matter is already parsed."""
    try:
        meta = validate(ExerciseMeta, front)
    except SchemaProblem as exc:
        return None, [Problem(path, line, message) for line, message in exc.problems]
    problems: list[Problem] = []
    grader = grader_for(meta.kind)
    if grader is None:
        guess = difflib.get_close_matches(meta.kind, kinds(), n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else f"; known kinds: {', '.join(kinds())}"
        return None, [Problem(path, front.line_of(("kind",)), f"unknown grader kind '{meta.kind}'{hint}")]
    checks, lines = [], []
    seen: set[str] = set()
    for index, entry in enumerate(meta.checks):
        line = front.line_of(("checks", index))
        check, message = _check(grader, entry, index)
        if message:
            key = message[1]
            problems.append(Problem(path, front.line_of(("checks", index, key)) if key else line, message[0]))
            continue
        if check.id in seen:
            problems.append(Problem(path, front.line_of(("checks", index, "id")), f"check id '{check.id}' is used twice"))
            continue
        seen.add(check.id)
        checks.append(check)
        lines.append(line)
    body, samples, sample_problems = _split_samples(front.body, front.body_line)
    problems += [Problem(path, line, message) for line, message in sample_problems]
    starter = [s for role, s in samples if role == "starter"]
    solution = [s for role, s in samples if role == "solution"]
    wrong = [s for role, s in samples if role == "wrong"]
    support = [s for role, s in samples if role == "support"]
    if len(support) > 1:
        problems.append(Problem(path, support[1].line, "an exercise has at most one support block"))
    if getattr(grader, "needs_support", False) and not support:
        problems.append(Problem(path, front.body_line, f"a {meta.kind} exercise needs a ```python support``` block "
                                "defining run(answer, case)"))
    for role, found in (("starter", starter), ("solution", solution)):
        if len(found) != 1:
            problems.append(Problem(path, front.body_line, f"an exercise needs exactly one ```{grader.language} {role}``` block; found {len(found)}"))
    if len(wrong) < 2:
        problems.append(Problem(path, front.body_line, f"an exercise needs at least two ```{grader.language} wrong fails=<check-id>``` blocks; found {len(wrong)}"))
    for sample in wrong:
        if sample.fails != "error" and sample.fails not in seen:
            problems.append(Problem(path, sample.line, f"wrong answer names check '{sample.fails}', which this exercise does not have "
                                    f"(checks: {', '.join(sorted(seen))})"))
    if problems or not starter or not solution:
        return None, problems
    exercise = Exercise(
        slug=slug, order=order, module=module, title=meta.title, kind=meta.kind, summary=meta.summary, hint=meta.hint,
        checks=tuple(checks), prompt=render(body, prefix="prompt-"), starter=starter[0], solution=solution[0],
        wrong=tuple(wrong), aliases=tuple(meta.aliases), support=support[0].text if support else "", source=Source(path=path, text=text, body_line=front.body_line),
        check_lines=tuple(lines),
    )
    problems += [Problem(path, front.body_line, message) for message in exercise.prompt.problems]
    return exercise, problems


def _check(grader, entry: dict, index: int) -> tuple[Check | None, tuple[str, str | None] | None]:
    label = f"checks[{index}]"
    for key in ("id", "rule", "teaches"):
        if not isinstance(entry.get(key), str) or not entry.get(key):
            return None, (f"{label} needs '{key}' (text)", None)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry["id"]):
        return None, (f"{label}: check id '{entry['id']}' must be lower-case kebab-case; it is a stable name", "id")
    if "hint" in entry and not isinstance(entry["hint"], str):
        return None, (f"{label}: 'hint' must be text", "hint")
    spec = grader.rules.get(entry["rule"])
    if spec is None:
        guess = difflib.get_close_matches(entry["rule"], list(grader.rules), n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else f"rules of {grader.kind}: {', '.join(sorted(grader.rules))}"
        return None, (f"{label}: unknown rule '{entry['rule']}' for kind {grader.kind}; {hint}", "rule")
    raw = {key: value for key, value in entry.items() if key not in _CHECK_KEYS}
    try:
        params = spec.params.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            allowed = sorted(spec.params.model_fields)
            text = f"{label}: rule '{spec.name}' takes no parameter '{where}' (it takes: {', '.join(allowed) or 'none'})"
        elif error["type"] == "missing":
            text = f"{label}: rule '{spec.name}' needs the parameter '{where}'"
        else:
            text = f"{label}: parameter '{where}' of rule '{spec.name}': {error['msg']}"
        return None, (text, str(error["loc"][0]) if error["loc"] else None)
    if getattr(params, "matches", None):
        try:
            re.compile(params.matches)
        except re.error as exc:
            return None, (f"{label}: 'matches' is not a valid regular expression: {exc}", "matches")
    return Check(entry["id"], entry["rule"], params, entry["teaches"], entry.get("hint", "")), None


def _split_samples(body: str, body_line: int) -> tuple[str, list[tuple[str, Sample]], list[tuple[int, str]]]:
    """Take the starter/solution/wrong fences out of the body; the rest is the prompt."""
    lines = body.split("\n")
    prompt: list[str] = []
    samples: list[tuple[str, Sample]] = []
    problems: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            prompt.append(lines[index])
            index += 1
            continue
        opener_line = body_line + index
        fence = match["fence"]
        end = next((j for j in range(index + 1, len(lines))
                    if lines[j].strip().startswith(fence[0] * len(fence)) and not lines[j].strip().strip(fence[0])), None)
        if end is None:
            problems.append((opener_line, f"the {match['role']} block opened here is never closed with {fence}"))
            break
        text = "\n".join(lines[index + 1 : end]) + "\n"
        fails = ""
        if match["role"] == "wrong":
            found = re.search(r"\bfails=([\w-]+)", match["rest"])
            if not found:
                problems.append((opener_line, "a wrong answer must name the check it fails: ```lang wrong fails=<check-id>```"))
            else:
                fails = found[1]
        samples.append((match["role"], Sample(text, opener_line, fails)))
        index = end + 1
    return "\n".join(prompt), samples, problems
