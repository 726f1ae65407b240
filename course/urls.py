from django.conf import settings
from django.urls import include, path

from course.api.urls import api_urls
from course.operations.health import health

urlpatterns = [
    path("health", health, name="health"),
    path("", include("course.api.urls")),
    *api_urls,
    path("", include("course.progress.urls")),
    path("", include("course.catalogue.urls")),
    path("exercises/", include("course.exercises.urls")),
    path("accounts/", include("course.accounts.urls")),
    path("preferences/", include("course.preferences.urls")),
]

if settings.DEBUG:
    urlpatterns.append(path("__reload__/", include("django_browser_reload.urls")))

handler404 = "course.operations.views.not_found"
handler500 = "course.operations.views.server_error"
