from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "course.preferences"
    label = "preferences"
