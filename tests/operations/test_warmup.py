"""gunicorn's master before the fork: the site imported without the grading libraries, then warmed up, nothing to inherit."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

from course.operations import warmup

# What a fresh master does (gunicorn.conf.py, preload_app), then what it would hand to every worker it forks.
MASTER = """
import json, multiprocessing, sys, threading
import django

django.setup()
heavy = sorted(name for name in ("redis", "openapi_spec_validator", "jsonschema", "jsonschema_rs") if name in sys.modules)
from course.operations.warmup import warm_up

warm_up()
from django.db import connections
from course.content.store import get_store
from course.sandbox import service

print(json.dumps({
    "heavy_at_setup": heavy,
    "files_read": get_store().reads,
    "urls_imported": "course.api.urls" in sys.modules,
    "open_connections": [alias for alias in connections if connections[alias].connection is not None],
    "sandbox_pool": service._pool is not None,
    "child_processes": len(multiprocessing.active_children()),
    "other_threads": threading.active_count() - 1,
}))
"""


def test_the_master_imports_no_grading_library_and_forks_with_the_course_read_and_nothing_open(tmp_path):
    # An empty content cache: the course is rendered, by a process pool (course/content/workers.py) on 2+ cores.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": secrets.token_urlsafe(40),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "CONTENT_CACHE_DIR": str(tmp_path / "cache"),
           "LOG_LEVEL": "WARNING"}
    env.pop("DEBUG", None)
    done = subprocess.run([sys.executable, "-c", MASTER], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout.splitlines()[-1])
    # Imported on the first grading or rate-limit count instead (about 0.5 s of every start without them).
    assert state["heavy_at_setup"] == []
    assert state["files_read"] > 0 and state["urls_imported"]
    assert state == {**state, "open_connections": [], "sandbox_pool": False, "child_processes": 0, "other_threads": 0}


def test_a_failing_warm_up_is_logged_and_leaves_the_first_request_to_build(monkeypatch, caplog):
    def broken():
        raise RuntimeError("content folder unreadable")

    monkeypatch.setattr(warmup, "get_course", broken)
    warmup.warm_up()  # never raises: gunicorn still starts, and a worker's first request meets the error itself
    assert "warming up before forking the workers failed" in caplog.text
