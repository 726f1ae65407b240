import types
import typing

from django.core.management.base import BaseCommand

from course.exercises.grading import grader_for, kinds


def describe_type(annotation) -> str:
    """A parameter's type as an author reads it: `str`, `int | list[int]`, `one of 'string', 'number'`."""
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(repr(value) for value in typing.get_args(annotation))
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " | ".join(describe_type(arg) for arg in typing.get_args(annotation))
    if annotation is type(None):
        return "None"
    if annotation is typing.Any:
        return "any"
    origin = typing.get_origin(annotation)
    if origin is not None:
        args = ", ".join(describe_type(arg) for arg in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', origin)}[{args}]"
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def describe_rules() -> str:
    """Every grader kind, its rules and their parameters, as Markdown."""
    out = []
    for kind in kinds():
        grader = grader_for(kind)
        out.append(f"### `{kind}`\n")
        for name in sorted(grader.rules):
            rule = grader.rules[name]
            doc = (rule.method.__doc__ or "").strip()
            params = []
            for field, info in rule.params.model_fields.items():
                key = info.alias or field
                annotation = describe_type(info.annotation)
                if info.is_required():
                    default = "required"
                elif info.default_factory is not None:
                    default = f"default {info.default_factory()!r}"
                else:
                    default = f"default {info.default!r}"
                params.append(f"`{key}` ({annotation}, {default})")
            out.append(f"- `{name}`: {doc}" + (f" Parameters: {'; '.join(params)}." if params else ""))
        out.append("")
    return "\n".join(out)


class Command(BaseCommand):
    help = "List every grader kind with its rules and their parameters (Markdown)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(describe_rules())
