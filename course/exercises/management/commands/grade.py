import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from course.content.store import build_course
from course.exercises.grading import grader_for


class Command(BaseCommand):
    help = "Grade a snippet (a file, or - for standard input) against an exercise, as a learner would see it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("exercise", help="exercise slug")
        parser.add_argument("snippet", help="path to the snippet, or - for standard input")

    def handle(self, *args, exercise: str, snippet: str, **options) -> None:
        course = build_course(Path(settings.CONTENT_DIR))
        found = course.exercise(exercise)
        if found is None:
            raise CommandError(f"no exercise with the slug '{exercise}'")
        text = sys.stdin.read() if snippet == "-" else Path(snippet).read_text(encoding="utf-8")
        grade = grader_for(found.kind).grade(text, found.checks, support=found.support)
        self.stdout.write(f"{grade.status.upper()} (score {grade.score:.2f})")
        if grade.error:
            self.stdout.write(f"  error: {grade.error}")
        if grade.output:
            self.stdout.write("  printed:\n" + "\n".join("    " + line for line in grade.output.splitlines()))
        for result in grade.checks:
            self.stdout.write(f"  {'✓' if result.passed else '✗'} {result.id}: {result.message}")
            if result.hint:
                self.stdout.write(f"      hint: {result.hint}")
        for step in grade.steps:
            self.stdout.write(f"\n  step {step['name']} ({step['state']}){': ' + step['note'] if step['note'] else ''}")
            for label in ("request", "response"):
                if step[label]:
                    self.stdout.write(f"    {label}:\n" + "\n".join("      " + line for line in step[label].splitlines()))
