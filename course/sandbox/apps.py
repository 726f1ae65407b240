from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "course.sandbox"
    label = "sandbox"
    verbose_name = "Python sandbox"
