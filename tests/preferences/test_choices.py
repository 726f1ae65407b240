"""Choosing a code language or theme without JavaScript: a form post."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_choosing_a_language_remembers_it_and_returns_to_the_same_tab_group(client):
    response = client.post("/preferences/code-language/?at=tabs-3", {"language": "php", "next": "/modules/x/"})
    assert response.status_code == 303
    assert response["Location"] == "/modules/x/#tabs-3"
    cookie = response.cookies["code_lang"]
    assert cookie.value == "php" and cookie["samesite"] == "Lax" and cookie["max-age"] > 30 * 24 * 3600


def test_an_unknown_language_is_a_clear_400_listing_the_choices(client):
    response = client.post("/preferences/code-language/", {"language": "cobol", "next": "/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“cobol” is not a code language this site knows" in html
    assert "TypeScript, Python, PHP, C#" in html
    assert "code_lang" not in response.cookies


def test_choosing_a_theme_remembers_it(client):
    response = client.post("/preferences/theme/", {"theme": "dark", "next": "/faq/"})
    assert response.status_code == 303 and response["Location"] == "/faq/"
    assert response.cookies["theme"].value == "dark"


def test_redirects_never_leave_the_site(client):
    response = client.post("/preferences/theme/", {"theme": "light", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = client.post("/preferences/code-language/?at=x%22onload", {"language": "php", "next": "/"})
    assert response["Location"] == "/"


def test_preference_forms_require_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/preferences/theme/", {"theme": "dark", "next": "/"})
    assert response.status_code == 403


def test_preferences_cannot_be_changed_with_get(client):
    assert client.get("/preferences/theme/?theme=dark").status_code == 405
