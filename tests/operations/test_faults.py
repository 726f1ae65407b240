"""Fault tests: the real redis-server and the throwaway PostgreSQL stop (or hang) while learners submit.

Learners keep submitting from threads, through two gunicorn processes with
production settings, while the test stops a dependency after a number of
answers and starts it again after a number more (counts, not sleeps). What a
learner must see: never a 500, never an answer lost. With Redis gone,
everything works (limits are counted per process). With the database gone,
each answer comes back in the editor with 503 and Retry-After, and is saved
once the database is back.

The measured numbers are printed (run with -s) and quoted in docs/benchmarks.md.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import free_port

EXERCISE = "/exercises/created-response/"


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir, self.process = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(self.workdir)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
                return
            except redis.RedisError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)  # waiting for the port

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def gunicorn(tmp_path: Path, env: dict, name: str) -> tuple[str, subprocess.Popen]:
    port = free_port()
    log = open(tmp_path / f"{name}.log", "w")
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "course.wsgi"],
                               cwd=settings.BASE_DIR, env={**env, "PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/health", timeout=2)
            return base, process
        except urllib.error.HTTPError:
            return base, process  # answering (perhaps 503): started
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"gunicorn {name} did not start")
            time.sleep(0.1)  # waiting for the port


def production_env(tmp_path: Path, database_url: str, redis_url: str = "") -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": "fault-" + "k" * 40,
           "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "STATIC_ROOT": str(tmp_path / "static"), "WEB_CONCURRENCY": "1", "THREADS": "4", "SANDBOX_WARM": "0",
           "SUBMISSIONS_PER_MINUTE": "100000", "SUBMISSIONS_PER_MINUTE_PER_ADDRESS": "100000", "GRACEFUL_TIMEOUT": "5"}
    env.pop("DEBUG", None)
    for command in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=settings.BASE_DIR, env=env, check=True)
    return env


@dataclass
class Answer:
    phase: str
    marker: str
    status: int
    seconds: float
    kept: bool  # the answer is still in the learner's editor after the response
    retry_after: str | None
    said_saved: bool = False  # a 503 that says the answer was saved before the database went away


@dataclass
class Learner:
    """A browser: cookies, a CSRF token from the exercise page, then answers (with or without htmx)."""

    base: str
    htmx: bool = False
    opener: urllib.request.OpenerDirector = field(init=False)
    token: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.refresh()

    def refresh(self) -> None:
        """A new CSRF token (logging in rotates it)."""
        page = self.opener.open(f"{self.base}{EXERCISE}", timeout=10).read().decode()
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def submit(self, phase: str, base: str | None = None) -> Answer:
        base = base or self.base
        marker = uuid.uuid4().hex
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token,
                                       "snippet": f"HTTP/1.1 201 Created\nX-Mark: {marker}\n"}).encode()
        headers = {"Referer": f"{base}{EXERCISE}", **({"HX-Request": "true"} if self.htmx else {})}
        started = time.perf_counter()
        try:
            with self.opener.open(urllib.request.Request(f"{base}{EXERCISE}", data=data, headers=headers), timeout=30) as r:
                status, body, retry = r.status, r.read().decode(), r.headers.get("Retry-After")
        except urllib.error.HTTPError as error:
            status, body, retry = error.code, error.read().decode(), error.headers.get("Retry-After")
        # Without JavaScript the whole page comes back, the answer in its editor; with htmx only the
        # feedback panel is swapped, and the editor (with the answer) stays as it was.
        kept = body.lstrip().startswith('<section id="feedback"') if self.htmx else f"X-Mark: {marker}" in body
        return Answer(phase, marker, status, time.perf_counter() - started, kept, retry, "was checked and saved" in body)


class Traffic:
    """Learners submitting continuously from threads until stopped; the test moves the phase on by counts."""

    def __init__(self, learners: list[Learner], bases: list[str]) -> None:
        self.learners, self.bases = learners, bases
        self.answers: list[Answer] = []
        self.phase = "before"
        self._done = threading.Event()
        self._changed = threading.Condition()
        self._threads = [threading.Thread(target=self._run, args=(i, learner)) for i, learner in enumerate(learners)]

    def _run(self, index: int, learner: Learner) -> None:
        n = index
        while not self._done.is_set():
            try:
                answer = learner.submit(self.phase, self.bases[n % len(self.bases)])
            except Exception as exc:  # a dropped connection is a lost answer: recorded as such
                answer = Answer(self.phase, "", -1, 0.0, False, repr(exc))
            n += 1
            with self._changed:
                self.answers.append(answer)
                self._changed.notify_all()

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def wait_for(self, count: int, phase: str, predicate=lambda answer: True, timeout: float = 60) -> None:
        """Block until `count` answers of `phase` satisfy `predicate`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(1 for a in self.answers if a.phase == phase and predicate(a)) < count:
                assert self._changed.wait(timeout=max(0.0, deadline - time.monotonic())), f"stalled in {phase}"


def api_token(env: dict) -> str:
    """A learner with a read+submit personal access token, made in the site's own database."""
    code = ("from django.contrib.auth import get_user_model; from course.api.services import token_create\n"
            "user = get_user_model().objects.create_user('scripted', 'scripted@example.com', 'a-long-password-1')\n"
            "print(token_create(user=user, name='editor', scope='read+submit')[1])")
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=settings.BASE_DIR, env=env, check=True,
                          capture_output=True, text=True)
    return re.search(r"aa_pat_\S+", done.stdout)[0]


def api_submit(base: str, token: str) -> tuple[int, dict, bytes]:
    """POST an answer through the JSON API with a bearer token: status, headers, body."""
    request = urllib.request.Request(f"{base}/api/v1/exercises/created-response/submissions", method="POST",
                                     data=b'{"snippet": "HTTP/1.1 201 Created\\n"}',
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def saved_markers(database_url: str) -> set[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return {re.search(r"X-Mark: (\w+)", row[0])[1]
                for row in conn.execute("SELECT snippet FROM progress_attempt WHERE snippet LIKE '%X-Mark:%'")}


def summary(answers: list[Answer], phase: str) -> str:
    mine = sorted(a.seconds for a in answers if a.phase == phase)
    statuses = sorted({a.status for a in answers if a.phase == phase})
    p95 = mine[int(len(mine) * 0.95) - 1] if mine else 0
    return f"{phase}: {len(mine)} answers, statuses {statuses}, p95 {p95 * 1000:.0f} ms, max {mine[-1] * 1000:.0f} ms"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGCONT)
        server.stop()


def test_redis_stopped_hung_and_restarted_mid_submissions_loses_nothing(tmp_path, redis_server, postgres_url):
    env = production_env(tmp_path, postgres_url, redis_server.url)
    servers = [gunicorn(tmp_path, env, name) for name in ("a", "b")]
    bases = [base for base, _ in servers]
    try:
        account = Learner(bases[0])
        account.opener.open(urllib.request.Request(
            f"{bases[0]}/accounts/signup/", headers={"Referer": f"{bases[0]}/accounts/signup/"},
            data=urllib.parse.urlencode({"csrfmiddlewaretoken": account.token, "username": "faulty",
                                         "password1": "a-long-fault-pass-1", "password2": "a-long-fault-pass-1"}).encode()),
            timeout=10)
        account.refresh()
        learners = [account, Learner(bases[1]), Learner(bases[0], htmx=True), Learner(bases[1], htmx=True)]
        with Traffic(learners, bases) as traffic:
            traffic.wait_for(20, "before")
            redis_server.stop()
            traffic.phase = "redis stopped"
            traffic.wait_for(40, "redis stopped")
            # Still logged in on both processes, sessions and all, and a new log-in works.
            for base in bases:
                assert "faulty" in account.opener.open(f"{base}{EXERCISE}", timeout=10).read().decode()
            health = urllib.request.urlopen(f"{bases[0]}/health", timeout=10)
            import json

            report = json.loads(health.read())
            assert health.status == 200 and report["failing"] == ["redis"]
            redis_server.start()
            for base in bases:  # each process finds Redis again (its health check asks it directly)
                deadline = time.monotonic() + 20
                while json.loads(urllib.request.urlopen(f"{base}/health", timeout=10).read())["failing"]:
                    assert time.monotonic() < deadline, "Redis not used again"
                    time.sleep(0.05)  # waiting for the other threads' next answer, not timing a result
            redis_server.process.send_signal(signal.SIGSTOP)  # up but silent: a hung Redis
            traffic.phase = "redis hung"
            traffic.wait_for(40, "redis hung")
            redis_server.process.send_signal(signal.SIGCONT)
            traffic.phase = "after"
            traffic.wait_for(20, "after")
        answers = traffic.answers
        for phase in ("before", "redis stopped", "redis hung", "after"):
            print(summary(answers, phase))
        assert {a.status for a in answers} == {200}, [a for a in answers if a.status != 200][:5]
        assert all(a.kept for a in answers), [a for a in answers if not a.kept][:3]
        missing = {a.marker for a in answers} - saved_markers(postgres_url)
        assert not missing, f"{len(missing)} answers answered 200 but not saved"
        hung = [a.seconds for a in answers if a.phase == "redis hung"]
        assert max(hung) < 2.0  # one 0.25 s timeout per process, not redis-py's retries (seconds each)
    finally:
        for _, process in servers:
            process.terminate()
            process.wait(timeout=30)


def test_the_database_stopped_and_restarted_mid_submissions_loses_nothing(tmp_path):
    from tests.postgres import postgres_server

    with postgres_server() as cluster:
        env = production_env(tmp_path, cluster.url)
        token = api_token(env)
        servers = [gunicorn(tmp_path, env, name) for name in ("a", "b")]
        bases = [base for base, _ in servers]
        try:
            assert api_submit(bases[0], token)[0] == 201
            learners = [Learner(bases[0]), Learner(bases[1]), Learner(bases[0], htmx=True), Learner(bases[1], htmx=True)]
            with Traffic(learners, bases) as traffic:
                traffic.wait_for(20, "before")
                cluster.stop()
                traffic.phase = "database stopped"
                traffic.wait_for(40, "database stopped", lambda a: a.status == 503)
                for base in bases:  # the load balancer's view, and a JSON client's
                    with pytest.raises(urllib.error.HTTPError) as health:
                        urllib.request.urlopen(f"{base}/health", timeout=10)
                    assert health.value.code == 503 and health.value.headers["Retry-After"]
                    assert b'"database": {"ok": false' in health.value.read()
                    request = urllib.request.Request(f"{base}{EXERCISE}", headers={"Accept": "application/json"})
                    with pytest.raises(urllib.error.HTTPError) as page:
                        learners[0].opener.open(request, timeout=10)
                    assert page.value.code == 503 and b'"code": "unavailable"' in page.value.read()
                    # A script with a token: the token's own read is the first to find the database gone.
                    status, headers, body = api_submit(base, token)
                    assert status == 503 and headers["Content-Type"].startswith("application/problem+json"), body
                    assert headers["Retry-After"] and b'"code": "unavailable"' in body
                cluster.start()
                traffic.phase = "after"
                traffic.wait_for(20, "after", lambda a: a.status == 200)
            assert [api_submit(base, token)[0] for base in bases] == [201, 201]
            answers = traffic.answers
            for phase in ("before", "database stopped", "after"):
                print(summary(answers, phase))
            assert not [a for a in answers if a.status not in (200, 503)], [a for a in answers if a.status not in (200, 503)][:5]
            refused = [a for a in answers if a.status == 503]
            assert all(a.kept and a.retry_after == "10" for a in refused)  # back in the editor, with when to retry
            saved = saved_markers(cluster.url)
            assert {a.marker for a in answers if a.status == 200} <= saved  # every 200 is saved
            # A 503 tells the truth: "not saved" unless the attempt was written before the database went away.
            assert {a.marker for a in refused if not a.said_saved}.isdisjoint(saved)
            assert {a.marker for a in refused if a.said_saved} <= saved
            print(f"503s: {len(refused)} (of which {sum(a.said_saved for a in refused)} saved just before the outage)")
            assert all(a.kept for a in answers)
        finally:
            for _, process in servers:
                process.terminate()
                process.wait(timeout=30)
