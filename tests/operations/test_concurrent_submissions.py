"""200 submissions from 50 learners at once, on PostgreSQL behind gunicorn: none is lost."""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from .test_shared_cache import start_server


@pytest.fixture
def server_on_postgres(tmp_path, postgres_url, redis_url):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": "x" * 50,
           "DATABASE_URL": postgres_url, "STATIC_ROOT": str(tmp_path / "static")}
    env.pop("DEBUG", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=settings.BASE_DIR, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=settings.BASE_DIR, env=env, check=True)
    import psycopg

    with psycopg.connect(postgres_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DELETE FROM progress_attempt")
    base, process = start_server(tmp_path, redis_url, postgres_url, "concurrency", per_minute=12,
                                   # fifty learners on one address, as a classroom behind one NAT
                                   per_address=1000)
    yield base, postgres_url
    process.terminate()
    process.wait(timeout=60)


def learner(base: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/exercises/created-response/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    # Make the session exist before the burst, as it would after a first visit.
    opener.open(urllib.request.Request(f"{base}/exercises/created-response/", method="POST",
                                       data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, "snippet": "warm-up"}).encode(),
                                       headers={"Referer": f"{base}/exercises/created-response/"}), timeout=30).read()
    session = next(cookie.value for cookie in jar if cookie.name == "sessionid")

    def submit(n: int) -> int:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "snippet": f"HTTP/1.1 20{n} Attempt\n"}).encode()
        request = urllib.request.Request(f"{base}/exercises/created-response/", data=body,
                                         headers={"Referer": f"{base}/exercises/created-response/", "HX-Request": "true"})
        with opener.open(request, timeout=60) as response:
            return response.status

    return session, submit


def test_two_hundred_concurrent_submissions_from_fifty_learners_are_all_recorded(server_on_postgres):
    base, database = server_on_postgres
    with ThreadPoolExecutor(max_workers=25) as pool:
        learners = list(pool.map(lambda _: learner(base), range(50)))
    jobs = [(submit, n) for _, submit in learners for n in range(4)]
    with ThreadPoolExecutor(max_workers=64) as pool:
        statuses = list(pool.map(lambda job: job[0](job[1]), jobs))
    assert statuses == [200] * 200
    import psycopg

    with psycopg.connect(database.replace("postgres://", "postgresql://")) as conn:
        rows = conn.execute("SELECT learner_key, count(*) FROM progress_attempt WHERE snippet <> 'warm-up' "
                            "GROUP BY learner_key").fetchall()
    per_learner = dict(rows)
    assert len(per_learner) == 50 and set(per_learner.values()) == {4}, per_learner
