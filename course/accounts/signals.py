"""On log-in or sign-up, everything the learner did anonymously moves to the account."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from course.progress.learners import LEARNER_KEY
from course.progress.services import learner_work_adopt

from .models import Preferences


@receiver(user_logged_in, dispatch_uid="attempts_follow_the_learner")
def attempts_follow_the_learner(sender, request, user, **kwargs) -> None:
    key = request.session.get(LEARNER_KEY) if request is not None else None
    if key:
        learner_work_adopt(key=key, user=user)


@receiver(user_logged_in, dispatch_uid="preferences_follow_the_learner")
def preferences_follow_the_learner(sender, request, user, **kwargs) -> None:
    """Bring the account's code language and theme into this browser's session."""
    if request is None:
        return
    preferences = Preferences.objects.filter(user=user).first()
    if preferences is not None:
        request.session["preferences"] = {"code_language": preferences.code_language, "theme": preferences.theme}
