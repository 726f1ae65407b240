import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from course.exercises.samples import check_samples, in_ci


class Command(BaseCommand):
    help = ("Parse every fenced code block under content/ with a real parser for its language and list each "
            "broken one as path:line: language: message (content/README.md says what is checked with what).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--root", help="content folder to check (default: settings.CONTENT_DIR)")
        parser.add_argument("--strict", action="store_true",
                            help="fail when a parser is not installed (on by itself when CI is set)")

    def handle(self, *args, root: str | None = None, strict: bool = False, **options) -> None:
        started = time.perf_counter()
        folder = Path(root or settings.CONTENT_DIR).resolve()
        if not folder.is_dir():
            raise CommandError(f"content folder {folder} does not exist")
        report = check_samples(folder)
        base = Path.cwd()
        for finding in report.findings:
            if finding.status == "broken" or (finding.status == "skipped" and finding.block.lang not in report.tools_missing):
                self.stdout.write(finding.format(base))
        counts = report.counts()
        total = sum(sum(row.values()) for row in counts.values())
        self.stdout.write(f"samples: {total} blocks in {folder}"
                          + (f"; {report.answers} exercise answers are graded by check_content" if report.answers else ""))
        reasons: dict[str, str] = {}
        for finding in report.findings:
            if finding.status == "unchecked":
                reasons[finding.block.lang] = finding.message
        for lang, row in counts.items():
            parts = []
            if row["ok"] or row["broken"]:
                parts.append(f"{row['ok'] + row['broken']} checked" + (f", {row['broken']} broken" if row["broken"] else ""))
            if row["skipped"]:
                why = f" ({report.tools_missing[lang]})" if lang in report.tools_missing else " (reasons above)"
                parts.append(f"{row['skipped']} skipped{why}")
            if row["unchecked"]:
                parts.append(f"{row['unchecked']} not checked: {reasons[lang]}")
            self.stdout.write(f"  {lang:<11} " + "; ".join(parts))
        elapsed = time.perf_counter() - started
        broken = len(report.broken)
        if report.tools_missing and (strict or in_ci()):
            names = ", ".join(sorted(report.tools_missing))
            raise CommandError(f"parsers missing for {names}; in CI every parser must be installed ({elapsed:.1f} s)")
        if broken:
            raise CommandError(f"{broken} broken sample(s) ({elapsed:.1f} s)")
        self.stdout.write(self.style.SUCCESS(f"samples OK ({elapsed:.1f} s)"))
