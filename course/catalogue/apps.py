from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "course.catalogue"
    label = "catalogue"
