"""The production server: gunicorn finishes in-flight requests on SIGTERM and exits cleanly."""

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

SLOW = "import time\ndef handle(store, key, body, charge):\n    time.sleep(0.25)\n    return {\"status\": 201}\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "STATIC_ROOT": str(tmp_path / "static"), "PORT": str(port), "WEB_CONCURRENCY": "2", "THREADS": "4",
           "GRACEFUL_TIMEOUT": "20", "SANDBOX_WARM": "0",
           # four gradings may land on one worker: let each run them all (admission is tested in tests/sandbox)
           "SANDBOX_MAX_RUNNING": "4"}
    env.pop("DEBUG", None)
    python = Path(sys.executable)
    for command in (["manage.py", "migrate", "--no-input", "-v", "0"], ["manage.py", "collectstatic", "--no-input", "-v", "0"]):
        subprocess.run([str(python), *command], cwd=settings.BASE_DIR, env=env, check=True)
    log = open(tmp_path / "gunicorn.log", "w+")
    process = subprocess.Popen([str(python.parent / "gunicorn"), "-c", "gunicorn.conf.py", "course.wsgi"],
                               cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            break
        except OSError:
            time.sleep(0.1)  # waiting for the port, not timing a result
    yield f"http://127.0.0.1:{port}", process, log
    if process.poll() is None:
        process.kill()
        process.wait()
    log.close()


def running_sandboxes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if cmdline.startswith(b"/sandbox/python/bin/python3") and b"runner.py" in cmdline:
                found.append(int(entry.name))
    return found


def submitter(base: str):
    """A learner's browser: fetch the exercise page for the CSRF token, then post an answer."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/exercises/idempotency-key-handler/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def submit() -> int:
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "snippet": SLOW}).encode()
        request = urllib.request.Request(f"{base}/exercises/idempotency-key-handler/", data=data,
                                         headers={"Referer": f"{base}/exercises/idempotency-key-handler/"})
        with opener.open(request, timeout=30) as response:
            return response.status

    return submit


def test_sigterm_lets_in_flight_requests_finish_and_exits_cleanly(server):
    base, process, log = server
    submits = [submitter(base) for _ in range(4)]
    ours_before = set(running_sandboxes())  # this test process's own warm sandboxes, if any
    statuses: list[int | str] = []

    def run(submit):
        try:
            statuses.append(submit())
        except Exception as exc:  # recorded, then asserted below
            statuses.append(repr(exc))

    threads = [threading.Thread(target=run, args=(submit,)) for submit in submits]
    for thread in threads:
        thread.start()
    # SIGTERM only once every answer is running in a sandbox (warm pools are off, so each
    # grading starts its own runner process): all four are then truly in flight.
    deadline = time.monotonic() + 20
    while len(set(running_sandboxes()) - ours_before) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(set(running_sandboxes()) - ours_before) >= 4
    process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200, 200, 200, 200], statuses
    assert process.wait(timeout=30) == 0
    log.seek(0)
    output = log.read()
    assert "Shutting down: Master" in output
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{base}/health", timeout=2)
    assert set(running_sandboxes()) - ours_before == set()


def test_gunicorn_listens_on_loopback_by_default_logs_json_and_shares_no_control_socket(tmp_path):
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "HOME": str(home),
           "STATIC_ROOT": str(tmp_path / "static"), "PORT": str(port), "WEB_CONCURRENCY": "1", "SANDBOX_WARM": "0"}
    env.pop("DEBUG", None)
    env.pop("BIND", None)
    python = Path(sys.executable)
    log = open(tmp_path / "gunicorn.log", "w+")
    process = subprocess.Popen([str(python.parent / "gunicorn"), "-c", "gunicorn.conf.py", "course.wsgi"],
                               cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)  # waiting for the port
    finally:
        process.terminate()
        process.wait(timeout=30)
    log.seek(0)
    import json

    lines = [json.loads(line) for line in log.read().splitlines() if line.strip()]  # every line is JSON
    events = [line["event"] for line in lines]
    assert f"Listening at: http://127.0.0.1:{port} ({process.pid})" in events
    assert any(line["logger"] == "course.access" and line["path"] == "/health" for line in lines)
    assert not (home / ".gunicorn").exists()
