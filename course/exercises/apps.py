from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "course.exercises"
    label = "exercises"

    def ready(self) -> None:
        from . import graders  # noqa: F401  (registers every grader kind)
