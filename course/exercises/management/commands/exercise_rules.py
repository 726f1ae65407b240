from django.core.management.base import BaseCommand

from course.exercises.grading import grader_for, kinds


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
                annotation = getattr(info.annotation, "__name__", None) or str(info.annotation).replace("typing.", "")
                default = "required" if info.is_required() else f"default {info.default!r}"
                params.append(f"`{key}` ({annotation}, {default})")
            out.append(f"- `{name}`: {doc}" + (f" Parameters: {'; '.join(params)}." if params else ""))
        out.append("")
    return "\n".join(out)


class Command(BaseCommand):
    help = "List every grader kind with its rules and their parameters (Markdown)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(describe_rules())
