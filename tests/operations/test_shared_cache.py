"""With REDIS_URL, several processes share one cache: a rate limit holds across them."""

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import free_port

pytestmark = pytest.mark.django_db


def start_server(tmp_path, redis_url: str, database_url: str, name: str, *, per_minute: int = 3, per_address: int = 60,
                 extra: dict | None = None):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": "shared-" + "k" * 40,
           "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "STATIC_ROOT": str(tmp_path / "static"), "PORT": str(port), "WEB_CONCURRENCY": "1", "SANDBOX_WARM": "0",
           "SUBMISSIONS_PER_MINUTE": str(per_minute),
           "SUBMISSIONS_PER_MINUTE_PER_ADDRESS": str(per_address), "GRACEFUL_TIMEOUT": "5", **(extra or {})}
    env.pop("DEBUG", None)
    python = Path(sys.executable)
    log = open(tmp_path / f"{name}.log", "w")
    process = subprocess.Popen([str(python.parent / "gunicorn"), "-c", "gunicorn.conf.py", "course.wsgi"],
                               cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/health", timeout=2)
            return base, process
        except OSError:
            time.sleep(0.1)  # waiting for the port
    process.kill()
    pytest.fail(f"gunicorn {name} did not start")


def prepare(tmp_path, postgres_url):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": "x" * 50,
           "DATABASE_URL": postgres_url, "STATIC_ROOT": str(tmp_path / "static")}
    env.pop("DEBUG", None)
    for command in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=settings.BASE_DIR, env=env, check=True)


@pytest.fixture
def two_servers(tmp_path, redis_url, postgres_url):
    """Two gunicorn processes sharing one PostgreSQL and one Redis, as in production."""
    prepare(tmp_path, postgres_url)
    servers = [start_server(tmp_path, redis_url, postgres_url, name) for name in ("a", "b")]
    yield [base for base, _ in servers]
    for _, process in servers:
        process.terminate()
        process.wait(timeout=60)


def test_a_rate_limit_counted_in_one_process_holds_in_another(two_servers):
    first, second = two_servers
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{first}/exercises/created-response/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def submit(base: str) -> tuple[int, str | None]:
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "snippet": "HTTP/1.1 200 OK\n"}).encode()
        request = urllib.request.Request(f"{base}/exercises/created-response/", data=data,
                                         headers={"Referer": f"{base}/exercises/created-response/"})
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, None
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Retry-After")

    # The session (in PostgreSQL) and the counter (Redis) are shared: one learner on either process.
    assert [submit(first)[0] for _ in range(3)] == [200, 200, 200]
    status, retry_after = submit(second)
    assert status == 429 and retry_after and 1 <= int(retry_after) <= 60
    # Work saved through one process is what the other shows.
    page = opener.open(f"{second}/exercises/created-response/", timeout=10).read().decode()
    assert "Expected 201 Created" in page and ">HTTP/1.1 200 OK\n</textarea>" in page
    # Both serve the same course.
    first_home = urllib.request.urlopen(f"{first}/health", timeout=10).read()
    second_home = urllib.request.urlopen(f"{second}/health", timeout=10).read()
    assert first_home == second_home


@pytest.fixture
def two_busy_servers(tmp_path, redis_url, postgres_url):
    """Two gunicorn processes, 8 threads each, with a submission limit of 12 and a log-in limit of 10."""
    prepare(tmp_path, postgres_url)
    extra = {"THREADS": "8", "LOGIN_FAILURES_PER_ACCOUNT": "10", "LOGIN_FAILURES_PER_ADDRESS": "1000",
             "SANDBOX_MAX_RUNNING": "4"}
    servers = [start_server(tmp_path, redis_url, postgres_url, name, per_minute=12, per_address=1000, extra=extra)
               for name in ("c", "d")]
    yield [base for base, _ in servers]
    for _, process in servers:
        process.terminate()
        process.wait(timeout=60)


def burst(bases: list[str], path: str, fields: dict, count: int, *, warm_up: bool = False) -> list[int]:
    """`count` POSTs at once from one browser (one session), spread over both processes.

    With `warm_up`, one POST goes first so that the session exists (an anonymous learner's
    first answer creates it)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{bases[0]}{path}", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    start = threading.Barrier(count)
    if warm_up:
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        opener.open(urllib.request.Request(f"{bases[0]}{path}", data=data, headers={"Referer": f"{bases[0]}{path}"}),
                    timeout=60).read()

    def one(index: int) -> int:
        base = bases[index % 2]
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(f"{base}{path}", data=data, headers={"Referer": f"{base}{path}"})
        start.wait()
        try:
            with opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_a_burst_of_wrong_passwords_across_two_processes_gets_exactly_the_limit_through(two_busy_servers):
    statuses = burst(two_busy_servers, "/accounts/login/", {"username": "victim", "password": "guess"}, 40)
    assert statuses.count(200) == 10 and statuses.count(429) == 30, statuses


def test_a_burst_of_submissions_across_two_processes_gets_exactly_the_limit_through(two_busy_servers):
    statuses = burst(two_busy_servers, "/exercises/created-response/", {"snippet": "HTTP/1.1 200 OK\n"}, 30, warm_up=True)
    assert statuses.count(200) == 11 and statuses.count(429) == 19, statuses  # 12 with the warm-up
