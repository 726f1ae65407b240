from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "course.operations"
    label = "operations"
