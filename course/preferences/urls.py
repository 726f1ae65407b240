from django.urls import path

from . import views

app_name = "preferences"
urlpatterns = [
    path("code-language/", views.code_language_set, name="code-language"),
    path("theme/", views.theme_set, name="theme"),
    path("sync/", views.sync, name="sync"),
]
