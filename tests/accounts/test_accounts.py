"""Accounts: sign up, log in, log out, change and reset a password, delete; anonymous work follows."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from course.progress.models import Attempt

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
URL = "/exercises/answer-create/"
RIGHT = "HTTP/1.1 201 Created\nLocation: /v1/orders/7\n"
WRONG = "HTTP/1.1 200 OK\n"


def signup(client, username="ada", email="ada@example.org"):
    return client.post("/accounts/signup/", {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_signing_up_logs_in_and_keeps_what_was_done_anonymously(client, exercise):
    client.post(URL, {"snippet": WRONG})
    client.post(URL, {"snippet": RIGHT})
    response = signup(client)
    assert response.status_code == 303
    user = User.objects.get(username="ada")
    assert Attempt.objects.filter(user=user).count() == 2
    assert not Attempt.objects.filter(user__isnull=True).exists()
    page = client.get(URL).content.decode()
    assert "Reference solution" in page and "ada" in page  # passed, and logged in


def test_logging_in_merges_anonymous_work_into_an_account_that_already_has_some(client, exercise):
    User.objects.create_user("grace", password=PASSWORD)
    earlier = Client()
    earlier.post("/accounts/login/", {"username": "grace", "password": PASSWORD})
    earlier.post(URL, {"snippet": WRONG})
    earlier.post("/accounts/logout/")
    client.post(URL, {"snippet": RIGHT})
    response = client.post("/accounts/login/", {"username": "grace", "password": PASSWORD})
    assert response.status_code == 302
    grace = User.objects.get(username="grace")
    assert sorted(Attempt.objects.filter(user=grace).values_list("status", flat=True)) == ["failed", "passed"]
    module_page = client.get("/modules/first-module/").content.decode()
    assert "✓ Passed" in module_page  # the best of both


def test_a_learner_never_sees_another_learners_work(exercise):
    ada, grace = Client(), Client()
    signup(ada)
    signup(grace, username="grace", email="")
    ada.post(URL, {"snippet": "HTTP/1.1 299 Ada only\n"})
    page = grace.get(URL).content.decode()
    assert "Ada only" not in page and ">HTTP/1.1 200 OK\n</textarea>" in page


def test_signup_errors_are_shown_and_nothing_is_created(client, content):
    response = client.post("/accounts/signup/", {"username": "ada", "password1": "short", "password2": "other"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "didn’t match" in html or "didn't match" in html
    assert not User.objects.exists()


def test_log_in_attempts_are_rate_limited_with_retry_after(client, content, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_ATTEMPTS_PER_WINDOW = 3
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "nobody", "password": "wrong"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 300
    assert "Too many attempts" in response.content.decode()
    cache.clear()


def test_logging_out_needs_a_post(client, content):
    signup(client)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "Log in" in client.get("/").content.decode()


def test_changing_and_resetting_a_password(client, content):
    signup(client)
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "another-long-pass-42",
                                                    "new_password2": "another-long-pass-42"})
    assert response.status_code == 302
    assert User.objects.get(username="ada").check_password("another-long-pass-42")
    client.post("/accounts/logout/")
    client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link).url  # Django swaps the token for a session-bound URL
    response = client.post(form_url, {"new_password1": "third-long-pass-77", "new_password2": "third-long-pass-77"})
    assert response.status_code == 302
    assert User.objects.get(username="ada").check_password("third-long-pass-77")


def test_deleting_an_account_removes_everything_in_it(client, exercise):
    signup(client)
    client.post(URL, {"snippet": RIGHT})
    assert client.post("/accounts/delete/", {"password": "wrong"}).status_code == 400
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 303
    assert not User.objects.exists() and not Attempt.objects.exists()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from course.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_code_language_and_theme_follow_the_learner_to_another_browser(content):
    first = Client()
    signup(first)
    first.post("/preferences/code-language/", {"language": "php", "next": "/"})
    first.post("/preferences/sync/", {"theme": "dark"})
    second = Client()
    second.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    html = second.get("/modules/first-module/").content.decode()
    assert re.findall(r'aria-selected="true"[^>]*>([^<]+)<', html) == ["PHP"]
    assert 'data-theme="dark"' in html


def test_a_sign_up_that_loses_the_race_for_a_name_gets_the_form_error_not_a_500(client, content):
    """Another sign-up takes the name after this one's form is checked and before it saves: the database says no."""
    from django.contrib.auth.models import User
    from django.db.models.signals import pre_save

    def rival_signs_up_first(sender, instance, **kwargs):
        pre_save.disconnect(rival_signs_up_first, sender=User)
        User.objects.create_user("grace", password="rival-long-pass-99")

    pre_save.connect(rival_signs_up_first, sender=User)
    try:
        response = signup(client, "grace")
    finally:
        pre_save.disconnect(rival_signs_up_first, sender=User)
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    # (The rival's row is rolled back with ours here, as it shares our transaction; in a real race it is committed.)
    assert not client.session.get("_auth_user_id")
    assert signup(client, "grace").status_code == 303  # and the form works again once the name is free
