"""On log-in or sign-up, everything the learner did anonymously moves to the account."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from course.progress.learners import LEARNER_KEY
from django.db import IntegrityError, transaction

from course.progress.models import Attempt, ModuleRead


@receiver(user_logged_in, dispatch_uid="attempts_follow_the_learner")
def attempts_follow_the_learner(sender, request, user, **kwargs) -> None:
    key = request.session.get(LEARNER_KEY) if request is not None else None
    if key:
        # Rows are only added, never merged into one another: nothing is lost, and
        # progress (best score, passed) is read from all of them together.
        Attempt.objects.filter(user__isnull=True, learner_key=key).update(user=user, learner_key="")
        for read in ModuleRead.objects.filter(user__isnull=True, learner_key=key):
            try:
                with transaction.atomic():
                    ModuleRead.objects.filter(pk=read.pk).update(user=user, learner_key="")
            except IntegrityError:  # the account had read it already
                read.delete()


@receiver(user_logged_in, dispatch_uid="preferences_follow_the_learner")
def preferences_follow_the_learner(sender, request, user, **kwargs) -> None:
    """Bring the account's code language and theme into this browser's session."""
    from .models import Preferences

    if request is None:
        return
    preferences = Preferences.objects.filter(user=user).first()
    if preferences is not None:
        request.session["preferences"] = {"code_language": preferences.code_language, "theme": preferences.theme}
