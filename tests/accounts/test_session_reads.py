"""The session and the signed-in user, read in plain SQL: the same answers as Django's own reads, on either database."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from course.accounts.backends import UserBackend
from course.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_session_is_read_back_and_an_expired_or_unknown_one_is_none():
    store = SessionStore()
    store["theme"] = "dark"
    store.save()
    assert SessionStore(store.session_key).load() == {"theme": "dark"}
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None  # as Django's: a new key on the next save
    assert SessionStore("x" * 32).load() == {} and SessionStore("bad key!").load() == {}


def test_the_signed_in_user_is_found_and_an_inactive_or_gone_one_is_not():
    user = get_user_model().objects.create_user("ada", "ada@example.com", "a-long-password-1")
    backend = UserBackend()
    found = backend.get_user(user.pk)
    assert found == user and found.email == "ada@example.com" and found.password == user.password
    assert backend.get_user(str(user.pk)) == user  # the session keeps the id as a string
    assert backend.get_user("not a number") is None and backend.get_user(user.pk + 100) is None
    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None


def test_logging_in_and_out_and_a_password_change_elsewhere_behave_as_before():
    get_user_model().objects.create_user("ada", "ada@example.com", "a-long-password-1")
    browser, other = Client(), Client()
    for client in (browser, other):
        assert client.post("/accounts/login/", {"username": "ada", "password": "a-long-password-1"}).status_code in (302, 303)
        assert "ada" in client.get("/dashboard/").content.decode()
    user = get_user_model().objects.get(username="ada")
    user.set_password("another-long-password-2")  # changed elsewhere: every session made with the old one ends
    user.save()
    assert "account-nav__name" not in browser.get("/dashboard/").content.decode()
    assert browser.post("/accounts/login/", {"username": "ada", "password": "a-long-password-1"}).status_code == 200
