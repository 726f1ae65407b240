from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "course.exercises"
    label = "exercises"

    def ready(self) -> None:
        from course.content.extensions import builder_register, cross_check_register
        from course.operations.hooks import keeper_register

        from . import graders  # noqa: F401  (registers every grader kind)
        from .checks import exercise_problems
        from .spec import build_exercise
        from .views import kept_answer

        builder_register("exercise", build_exercise)  # content/exercises/*.md are read by us
        cross_check_register(exercise_problems)  # check_content runs our checks
        keeper_register(kept_answer)  # a refused submission keeps its answer
