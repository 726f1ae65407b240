"""Property-based tests from the OpenAPI document (schemathesis), against the app in this process (WSGI).

Schemathesis generates valid and invalid requests for every operation and
checks each answer against the document: no 5xx, documented status codes,
content types, headers and bodies. A bounded number of examples per
operation keeps the run short enough for every `./dev test`.
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from course.api.responses import cursor_decode, cursor_encode, Problem
from course.api.services import token_create
from course.api.views import openapi_document

from .conftest import make_learner

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))

schema = schemathesis.openapi.from_dict(json.loads(openapi_document()[0]))
schema.app = get_wsgi_application()


@schema.hook
def map_query(context, query):
    """A cursor is opaque: any string fits the schema, but only the API's own are pages (others are a 422, tested
    elsewhere). A made-up cursor becomes a real one, so the generated requests explore pages rather than that refusal."""
    if query and isinstance(query.get("cursor"), str):
        try:
            cursor_decode(query["cursor"])
        except Problem:
            query["cursor"] = cursor_encode(len(query["cursor"]))
    return query


@pytest.fixture
def token(db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SUBMISSIONS_PER_MINUTE = 10_000  # the limit has its own tests; here every generated answer is graded
    # Requests go straight to the WSGI handler, whose end-of-request signal would close the test's database
    # connection (and its transaction) on PostgreSQL; Django's own test client disconnects it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield token_create(user=make_learner("fuzz"), name="schemathesis", scope="read+submit")[1]
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_and_never_500(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
