from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "course.sandbox"
    label = "sandbox"
    verbose_name = "Python sandbox"

    def ready(self) -> None:
        from course.operations.hooks import health_check_register

        from .service import availability

        def python_grading() -> dict:
            python = availability()
            return {"ok": python.available, **({"reason": python.reason} if not python.available else {})}

        health_check_register("python_grading", python_grading)
