"""Learners with tokens, and clients that call the API as them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from course.api.services import token_create


class ApiClient:
    """A test client that sends a bearer token (or none) and JSON bodies."""

    def __init__(self, token: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **headers):
        return self.client.get(path, headers={**self.headers, **headers})

    def post(self, path, body=None, *, content_type="application/json", data=None, **headers):
        import json

        payload = data if data is not None else json.dumps(body) if body is not None else ""
        return self.client.post(path, payload, content_type=content_type, headers={**self.headers, **headers})

    def delete(self, path, **headers):
        return self.client.delete(path, headers={**self.headers, **headers})


def make_learner(name: str):
    return get_user_model().objects.create_user(name, f"{name}@example.com", "a-long-password-1")


@pytest.fixture
def alice(db):
    return make_learner("alice")


@pytest.fixture
def bob(db):
    return make_learner("bob")


@pytest.fixture
def alice_api(alice) -> ApiClient:
    return ApiClient(token_create(user=alice, name="tests", scope="read+submit")[1])


@pytest.fixture
def bob_api(bob) -> ApiClient:
    return ApiClient(token_create(user=bob, name="tests", scope="read+submit")[1])


@pytest.fixture
def anonymous_api() -> ApiClient:
    return ApiClient()
