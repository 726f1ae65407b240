from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("progress/reset/", views.reset, name="reset"),
    path("progress/export.json", views.export, name="export"),
    path("exercises/<slug:slug>/history/", views.history, name="history"),
    path("modules/<slug:slug>/read/", views.module_read, name="module-read"),
]
