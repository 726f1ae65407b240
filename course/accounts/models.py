from django.conf import settings
from django.db import models


class Preferences(models.Model):
    """A learner's reading choices, kept with the account so they follow them to another browser."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    code_language = models.CharField(max_length=20, blank=True, default="")
    theme = models.CharField(max_length=10, blank=True, default="")
