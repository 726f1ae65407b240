from django.conf import settings
from django.core.management.base import BaseCommand

from course.content.highlighting import stylesheet


class Command(BaseCommand):
    help = "Write static/css/pygments.css (code colours for the light and dark themes)."

    def handle(self, *args, **options) -> None:
        target = settings.BASE_DIR / "static" / "css" / "pygments.css"
        target.write_text(stylesheet(), encoding="utf-8")
        self.stdout.write(f"wrote {target.relative_to(settings.BASE_DIR)}")
