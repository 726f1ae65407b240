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


def test_health_checks_the_shared_cache_when_one_is_configured(client, content, settings, redis_url):
    settings.REDIS_URL = redis_url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    body = client.get("/health").json()
    assert body["checks"]["cache"] == {"ok": True, "backend": "redis"}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    body = client.get("/health").json()
    assert body["checks"]["cache"]["ok"] is False and body["status"] == "degraded"
