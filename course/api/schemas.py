"""The API's bodies as pydantic schemas: validated on the way in, and the source of the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, field_validator


class FieldProblem(Schema):
    pointer: str | None = Field(None, description="JSON Pointer into the request body, e.g. #/snippet")
    parameter: str | None = Field(None, description="A query, path or header parameter")
    detail: str


class ProblemOut(Schema):
    """RFC 9457 problem details: every error of this API has this shape (application/problem+json)."""

    type: str = Field(description="Links to this problem's entry in the API documentation")
    title: str
    status: int
    detail: str
    instance: str = Field(description="The request path")
    code: str = Field(description="A stable machine code, the end of `type`")
    request_id: str = Field(description="Quote it when reporting a problem; it is in our logs")
    errors: list[FieldProblem] | None = Field(None, description="For 422: one entry per invalid field")


class Section(Schema):
    id: str = Field(description="The anchor on the module page")
    title: str
    subsections: list[Section] = []


class ModuleSummary(Schema):
    slug: str
    order: int
    title: str
    summary: str
    status: str
    url: str = Field(description="The module's page on the site")
    exercises: int


class ModuleOut(ModuleSummary):
    objectives_html: list[str]
    reading_minutes: int
    sections: list[Section]
    html: str = Field(description="The module body, rendered (code tabs show TypeScript first)")
    exercise_slugs: list[str]
    faq_slugs: list[str]


class FaqOut(Schema):
    slug: str
    order: int
    question: str
    module: str
    section: str | None
    url: str
    html: str


class StageOut(Schema):
    slug: str
    order: int
    title: str
    duration: str
    modules: list[str]
    topics_html: list[str]
    outcomes_html: list[str]
    project_html: str
    url: str
    html: str
    exercise_slugs: list[str]


class CheckOut(Schema):
    id: str = Field(description="Stable: feedback refers to it")
    rule: str
    lesson: str = Field(description="What the check is about: the lesson it teaches, 'Module › Section'")
    teaches: str = Field(description="Link to that lesson")


class StepOut(Schema):
    name: str
    describe: str
    repeat: int
    request: str


class ExerciseSummary(Schema):
    slug: str
    title: str
    kind: str
    module: str
    summary: str
    url: str
    checks: int


class ExerciseOut(Schema):
    slug: str
    title: str
    kind: str
    module: str
    summary: str
    url: str
    language: str = Field(description="What the answer is written in (for an editor)")
    prompt_html: str
    starter: str = Field(description="The snippet the editor starts with")
    checks: list[CheckOut]
    steps: list[StepOut] = Field(description="http-scenario only: the requests the grader sends, in order")


class SubmissionIn(Schema):
    snippet: str = Field(description="Your answer, as you would paste it in the editor (at most 64 KiB of UTF-8)",
                         examples=["HTTP/1.1 201 Created\nLocation: /v1/orders/42\n\n"])

    @field_validator("snippet")
    @classmethod
    def _text(cls, value: str) -> str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be Unicode text (it contains a lone surrogate)") from None
        return value


class SnippetErrorOut(Schema):
    message: str
    line: int | None
    column: int | None


class CheckResultOut(Schema):
    id: str
    passed: bool
    message: str = Field(description="What the reviewer says")
    hint: str
    teaches: str
    line: int | None
    not_checked_because: str | None = Field(None, description="The failed check whose defect kept this one from being checked")


class SubmissionOut(Schema):
    id: int
    exercise: str
    url: str = Field(description="This submission in the API")
    submitted_at: datetime
    status: Literal["passed", "failed", "error"]
    score: float
    error: SnippetErrorOut | None = Field(description="Why the answer could not be read at all (status error)")
    checks: list[CheckResultOut]
    steps: list[dict[str, Any]] = Field(description="http-scenario only: each step's request and response")
    output: str = Field(description="What your code printed (python-handler)")
    snippet: str


class ModuleProgressOut(Schema):
    module: str
    title: str
    percent: int
    complete: bool
    sections_read: int
    sections: int
    exercises_passed: int
    exercises: int


class StageProgressOut(Schema):
    stage: str
    title: str
    percent: int
    exercises_passed: int
    exercises: int


class Page(Schema):
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class ModulePage(Page):
    items: list[ModuleSummary]


class FaqPage(Page):
    items: list[FaqOut]


class StagePage(Page):
    items: list[StageOut]


class ExercisePage(Page):
    items: list[ExerciseSummary]


class SubmissionPage(Page):
    items: list[SubmissionOut]


class ModuleProgressPage(Page):
    items: list[ModuleProgressOut]


class StageProgressPage(Page):
    items: list[StageProgressOut]
