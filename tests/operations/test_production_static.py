"""In production, static files are fingerprinted, compressed and cached for a year by whitenoise."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": "collect-only", "STATIC_ROOT": str(root)}
    env.pop("DEBUG", None)
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root


def test_pages_link_fingerprinted_static_files_served_compressed_with_long_caching(collected, content):
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(DEBUG=False, STATIC_ROOT=collected, STORAGES=storages, WHITENOISE_USE_FINDERS=False,
                           WHITENOISE_AUTOREFRESH=False):
        client = Client()
        page = client.get("/").content.decode()
        css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
        assert css, "the stylesheet link is not fingerprinted"
        response = client.get(css[1], headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
        assert response.get("Content-Encoding") in ("gzip", "br")
        assert any(path.name.endswith(".css.gz") for path in (collected / "css").iterdir())
