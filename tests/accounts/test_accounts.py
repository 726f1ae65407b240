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


def log_in(client, username, password, address="203.0.113.7", **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_wrong_passwords_for_an_account_are_limited_with_retry_after_and_a_reason(client, content, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        assert log_in(client, "nobody", "wrong").status_code == 200
    response = log_in(client, "Nobody ", "wrong")  # the same account, however it is typed
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 300
    page = response.content.decode()
    assert "Too many attempts" in page and "more than 3 wrong passwords for this account" in page


def test_guessing_at_an_account_does_not_lock_its_owner_out_from_elsewhere(content, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    User.objects.create_user("ada", password=PASSWORD)
    attacker = Client()
    for _ in range(3):
        log_in(attacker, "ada", "guess", address="198.51.100.66")
    assert log_in(attacker, "ada", PASSWORD, address="198.51.100.66").status_code == 429
    owner = Client()
    assert log_in(owner, "ada", PASSWORD, address="203.0.113.7").status_code == 302


def test_right_passwords_do_not_count_so_a_classroom_behind_one_address_logs_in(content, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for index in range(12):
        User.objects.create_user(f"learner{index}", password=PASSWORD)
    for index in range(12):
        assert log_in(Client(), f"learner{index}", PASSWORD).status_code == 302
    for index in range(3):  # and a typo each: failures only, counted per account
        assert log_in(Client(), f"learner{index}", "typo").status_code == 200
    assert log_in(Client(), "learner5", PASSWORD).status_code == 429  # the generous per-address ceiling, reached


def test_wrong_passwords_spread_over_accounts_meet_the_per_address_ceiling(content, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    statuses = [log_in(Client(), f"name{index}", "wrong").status_code for index in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert "more than 4 wrong passwords from your network" in log_in(Client(), "another", "x").content.decode()
    assert log_in(Client(), "name0", "wrong", address="192.0.2.10").status_code == 200  # another address


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(content, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    statuses = [log_in(Client(), "ada", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}").status_code
                for index in range(4)]
    assert statuses == [200, 200, 429, 429]  # a header anyone can write buys no fresh allowance


def test_behind_a_trusted_proxy_each_learner_has_their_own_allowance(content, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    proxy = "10.0.0.2"
    for _ in range(2):
        log_in(Client(), "ada", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert log_in(Client(), "ada", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66").status_code == 429
    # What the client writes to the left of the proxy's entry is not believed.
    spoofed = log_in(Client(), "ada", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.66")
    assert spoofed.status_code == 429
    # Another learner behind the same proxy is unaffected.
    assert log_in(Client(), "ada", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50").status_code == 200


def test_a_request_that_bypasses_the_trusted_proxy_has_its_header_ignored(content, settings):
    from django.test import RequestFactory

    from course.operations.clients import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_ADDRESSES = ["10.0.0.0/8"]
    factory = RequestFactory()
    via_proxy = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.66")
    direct = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert client_address(via_proxy) == "198.51.100.66"
    assert client_address(direct) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2  # two proxies: the entry the outer proxy added is the client
    assert client_address(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.66, 10.1.1.1")) == "198.51.100.66"
    assert client_address(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="junk")) == "10.0.0.2"


def test_sign_ups_are_limited_per_address(content, settings):
    settings.SIGNUPS_PER_ADDRESS = 2
    statuses = [Client().post("/accounts/signup/", {"username": f"u{index}", "password1": "x", "password2": "y"},
                              REMOTE_ADDR="203.0.113.7").status_code for index in range(3)]
    assert statuses == [400, 400, 429]


def test_without_a_mail_server_password_reset_says_it_is_unavailable_and_sends_nothing(client, content, settings):
    settings.PASSWORD_RESET_AVAILABLE = False
    User.objects.create_user("ada", email="ada@example.org", password=PASSWORD)
    page = client.get("/accounts/password/reset/").content.decode()
    assert "not available on this site" in page and 'name="email"' not in page
    response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert response.status_code == 503 and "not available on this site" in response.content.decode()
    assert mail.outbox == []


def test_production_settings_never_print_reset_mail(monkeypatch):
    import subprocess
    import sys

    from django.conf import settings as django_settings

    code = ("import django; from django.conf import settings; django.setup(); "
            "print(settings.EMAIL_BACKEND, settings.PASSWORD_RESET_AVAILABLE)")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": "k" * 50}
    without = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             cwd=django_settings.BASE_DIR, check=True).stdout.split()
    assert without == ["django.core.mail.backends.dummy.EmailBackend", "False"]
    with_host = subprocess.run([sys.executable, "-c", code], env={**env, "EMAIL_HOST": "smtp.example.org"},
                               capture_output=True, text=True, cwd=django_settings.BASE_DIR, check=True).stdout.split()
    assert with_host == ["django.core.mail.backends.smtp.EmailBackend", "True"]


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
