"""GET /health reports each dependency; 503 when the site cannot serve."""

import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_database_content_and_python_grading(client, content):
    response = client.get("/health")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["content"]["ok"] is True and body["checks"]["content"]["pages"] >= 5
    assert body["checks"]["python_grading"]["ok"] is True
    assert body["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_health_says_degraded_when_python_grading_is_unavailable(client, content, monkeypatch):
    from course.sandbox import launcher, service

    service.reset()
    monkeypatch.setattr(launcher.shutil, "which", lambda name: None)
    body = client.get("/health").json()
    assert body["status"] == "degraded"
    assert body["checks"]["python_grading"]["ok"] is False and "bubblewrap" in body["checks"]["python_grading"]["reason"]
    service.reset()


def test_health_is_503_when_the_content_is_missing(client, settings, tmp_path):
    settings.CONTENT_DIR = tmp_path / "nowhere"
    response = client.get("/health")
    assert response.status_code == 503 and response.json()["status"] == "down"


def test_health_names_redis_when_it_is_configured_and_down(client, content, settings, redis_url):
    settings.REDIS_URL = redis_url
    body = client.get("/health").json()
    assert body["checks"]["redis"] == {"ok": True} and body["status"] == "ok" and body["failing"] == []
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/health")
    body = response.json()
    assert response.status_code == 200  # still serving: only the shared rate-limit counts are missing
    assert body["status"] == "degraded" and body["failing"] == ["redis"]
    assert body["checks"]["redis"]["ok"] is False and "per process" in body["checks"]["redis"]["effect"]


def test_health_answers_plain_http_even_when_the_site_redirects_to_https(client, content, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health").status_code == 200  # a load balancer probing the backend
    assert client.get("/modules/").status_code == 301
