from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from course.content.store import build_course


class Command(BaseCommand):
    help = "Validate everything under content/ and list each problem as path:line: message."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--root", help="content folder to check (default: settings.CONTENT_DIR)")

    def handle(self, *args, root: str | None = None, **options) -> None:
        folder = Path(root or settings.CONTENT_DIR).resolve()
        course = build_course(folder)
        # Paths relative to the working directory: editors and terminals turn
        # `content/modules/x.md:12` into a clickable location.
        for problem in course.problems:
            self.stdout.write(problem.format(Path.cwd()))
        if course.problems:
            raise CommandError(f"{len(course.problems)} content problem(s) in {folder}")
        self.stdout.write(self.style.SUCCESS(
            f"content OK: {len(course.modules)} modules, {len(course.faq)} FAQ answers, "
            f"{len(course.stages)} roadmap stages"
        ))

