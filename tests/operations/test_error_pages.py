"""Error pages keep the site's look and never leak internals."""

import pytest
from django.test import Client
from django.urls import path

from course.urls import urlpatterns as site_urls


def explode(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", explode), *site_urls]
handler404 = "course.operations.views.not_found"
handler500 = "course.operations.views.server_error"


@pytest.mark.urls("tests.operations.test_error_pages")
def test_server_error_page_is_styled_and_hides_the_exception(settings, content):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret internal detail" not in html and "Traceback" not in html
