from django.core.management.base import BaseCommand

from course.api.services import idempotency_expired_delete


class Command(BaseCommand):
    help = "Delete the Idempotency-Key answers past their expiry (IDEMPOTENCY_KEY_HOURS), as clearsessions does for sessions."

    def handle(self, *args, **options) -> None:
        removed = idempotency_expired_delete()
        self.stdout.write(f"{removed} expired Idempotency-Key answer{'s' if removed != 1 else ''} deleted.")
