from django.urls import path

from . import views
from .api import api

app_name = "api-pages"
urlpatterns = [
    path("api/v1/openapi.json", views.openapi_json, name="openapi"),
    path("api/v1/docs", views.docs, name="docs"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token-revoke"),
]
api_urls = [path("api/v1/", api.urls)]
