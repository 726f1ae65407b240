"""v1's lifecycle: nothing while current; Deprecation, Sunset and their links once deprecated; 410 Gone after the sunset."""

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_a_current_version_carries_no_lifecycle_headers(client, content):
    response = client.get("/api/v1/modules")
    assert response.status_code == 200
    assert "Deprecation" not in response and "Sunset" not in response
    assert "deprecated" not in json.dumps(json.loads(client.get("/api/v1/openapi.json").content)["paths"])


def test_a_deprecated_version_says_so_on_every_answer(client, content, settings, alice_api):
    settings.API_V1_DEPRECATED_AT = "2027-01-15"
    settings.API_V1_SUNSET_AT = "2027-07-31T00:00:00Z"
    for response in (client.get("/api/v1/modules"), client.head("/api/v1/modules"), client.get("/api/v1/nothing-here"),
                     alice_api.get("/api/v1/submissions"), alice_api.post("/api/v1/exercises/created-response/submissions",
                                                                           {"snippet": "HTTP/1.1 200 OK\n\n"})):
        assert response["Deprecation"] == f"@{int(datetime(2027, 1, 15, tzinfo=timezone.utc).timestamp())}"
        assert response["Sunset"] == "Sat, 31 Jul 2027 00:00:00 GMT"
        assert '<http://testserver/api/v1/docs>; rel="deprecation"' in response["Link"]
        assert 'rel="sunset"' in response["Link"]
    document = json.loads(client.get("/api/v1/openapi.json").content)
    assert all(op.get("deprecated") is True for item in document["paths"].values() for op in item.values())
    assert "v1 is deprecated" in document["info"]["description"] and "2027-07-31" in document["info"]["description"]


def test_a_page_link_and_the_deprecation_links_travel_together(client, content, settings):
    settings.API_V1_DEPRECATED_AT = "2027-01-15"
    response = client.get("/api/v1/modules?limit=1")
    assert 'rel="next"' in response["Link"] and 'rel="deprecation"' in response["Link"]
    assert "Sunset" not in response  # deprecated, no date set for the end yet


def test_after_the_sunset_v1_is_gone_but_its_docs_remain(client, content, settings, alice_api):
    now = datetime.now(timezone.utc)
    settings.API_V1_DEPRECATED_AT = (now - timedelta(days=400)).isoformat()
    settings.API_V1_SUNSET_AT = (now - timedelta(days=1)).isoformat()
    for response in (client.get("/api/v1/modules"), alice_api.post("/api/v1/exercises/created-response/submissions",
                                                                   {"snippet": "x"})):
        assert response.status_code == 410 and response["Content-Type"] == "application/problem+json"
        problem = json.loads(response.content)
        assert problem["status"] == 410 and "retired on" in problem["detail"] and "/api/v1/docs" in problem["detail"]
        assert response["Sunset"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("deprecated, sunset, says", [
    ("next tuesday", "", "API_V1_DEPRECATED_AT must be an ISO 8601 date"),
    ("", "2027-07-31", "API_V1_SUNSET_AT is set without API_V1_DEPRECATED_AT"),
    ("2027-01-15", "2027-03-01", "at least six months"),
])
def test_a_misconfigured_lifecycle_stops_the_start_with_the_reason(tmp_path, deprecated, sunset, says):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": "x" * 50,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "API_V1_DEPRECATED_AT": deprecated,
           "API_V1_SUNSET_AT": sunset, "ALLOWED_HOSTS": "127.0.0.1"}
    done = subprocess.run([sys.executable, "-c", "from course.wsgi import application"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and says in done.stderr
