"""The JSON API under gunicorn (2 workers x 4 threads) on loopback, against a static file on the same server.

    .venv/bin/python bench/api.py [--seconds 10] [--clients 8] [--submitters 20] [--postgres] [--redis] [--quick]

Reports requests per second and p50/p95/p99 for
  static file      GET the fingerprinted stylesheet (whitenoise), the yardstick
  GET modules      GET /api/v1/modules (public, cached body, ETag)
  GET modules 304  the same with If-None-Match (what a polite client sends)
  submission       POST /api/v1/exercises/created-response/submissions, an http-response exercise
                   (graded in-process), 20 concurrent clients, each a learner with its own token
and the ratio of GET modules to the static file (the target is >= 0.8) and the
submission p99 (the target is < 100 ms), as the client sees it and as the
server logged it (duration_ms in the access log: the server runs at
production's LOG_LEVEL=INFO, so every request is logged as in production).
--postgres uses a throwaway PostgreSQL cluster, --redis a throwaway
redis-server for the rate limits (issue 19's run: --postgres --redis
--submitters 60, server p99 < 100 ms and client p99 < 1 s). --quick runs 3 s
per target (under a minute in all). Traffic goes only to 127.0.0.1; every
loop is bounded in time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, Client, free_port, measure, percentile, server_durations, show, start  # noqa: E402

ANSWER = "HTTP/1.1 201 Created\nLocation: /v1/orders/ord_123\nContent-Type: application/json\n\n{\"id\": \"ord_123\"}\n"


def make_tokens(database_url: str, count: int) -> list[str]:
    """`count` learners, each with a read+submit token, made in the benchmark's own database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": "bench-only",
           "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    env.pop("DEBUG", None)
    code = ("from django.contrib.auth import get_user_model; from course.api.services import token_create\n"
            f"for n in range({count}):\n"
            "    u = get_user_model().objects.create_user(f'bench{n}', f'bench{n}@example.com', 'a-long-password-1')\n"
            "    print(token_create(user=u, name='bench', scope='read+submit')[1])")
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return [line for line in done.stdout.split() if line.startswith("aa_pat_")]


@contextlib.contextmanager
def database(tmp: Path, postgres: bool):
    if not postgres:
        yield f"sqlite:///{tmp / 'db.sqlite3'}"
        return
    sys.path.insert(0, str(ROOT))
    from tests.postgres import postgres_cluster

    with postgres_cluster() as url:
        yield url


@contextlib.contextmanager
def redis(tmp: Path, wanted: bool):
    """A throwaway redis-server on a free loopback port (no persistence), or nothing."""
    if not wanted:
        yield ""
        return
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() != "PONG":
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--submitters", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="3 s per target")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster instead of SQLite")
    parser.add_argument("--redis", action="store_true", help="a throwaway redis-server for the rate limits")
    args = parser.parse_args()
    seconds = 3 if args.quick else args.seconds
    with tempfile.TemporaryDirectory() as tmp, database(Path(tmp), args.postgres) as url, \
            redis(Path(tmp), args.redis) as redis_url:
        access_log = Path(tmp) / "access.log"
        server, port = start(Path(tmp), database_url=url, access_log=access_log,
                             env_extra={"REDIS_URL": redis_url} if redis_url else None)
        try:
            tokens = iter(make_tokens(url, args.submitters))
            probe = Client(port)
            _, home = probe.request("GET", "/")
            stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', home)[1].decode()
            probe.connection.request("GET", "/api/v1/modules")
            response = probe.connection.getresponse()
            response.read()
            etag = response.headers["ETag"]

            def static(client):
                return lambda: client.request("GET", stylesheet, headers={"Accept-Encoding": "gzip"})[0]

            def modules(client):
                return lambda: client.request("GET", "/api/v1/modules", headers={"Accept": "application/json"})[0]

            def modules_304(client):
                return lambda: client.request("GET", "/api/v1/modules", headers={"If-None-Match": etag})[0]

            body = json.dumps({"snippet": ANSWER}).encode()
            lock = threading.Lock()

            def submission(client):  # one learner per client, as twenty people practising
                with lock:
                    headers = {"Authorization": f"Bearer {next(tokens)}", "Content-Type": "application/json"}
                return lambda: client.request("POST", "/api/v1/exercises/created-response/submissions", body=body,
                                              headers=headers)[0]

            print(f"{'PostgreSQL' if args.postgres else 'SQLite'}{' + Redis' if redis_url else ''}; gunicorn, 2 workers x 4 "
                  f"threads, LOG_LEVEL=INFO; reads: {args.clients} keep-alive clients, {seconds:g} s each; "
                  f"submissions: {args.submitters} clients")
            measure(port, args.clients, 1, modules)  # warm every worker's course cache
            results = {"static file": measure(port, args.clients, seconds, static),
                       "GET modules": measure(port, args.clients, seconds, modules),
                       "GET modules 304": measure(port, args.clients, seconds, modules_304)}
            _, offset = server_durations(access_log, "POST", "/submissions")
            results["submission"] = measure(port, args.submitters, seconds, submission)
            logged, _ = server_durations(access_log, "POST", "/submissions", since=offset)
            for label, result in results.items():
                show(label, result)
            ratio = results["GET modules"]["rps"] / results["static file"]["rps"]
            print(f"submission, server side (access log, {len(logged):,} requests): p50 {percentile(logged, 0.5):.1f} ms   "
                  f"p95 {percentile(logged, 0.95):.1f} ms   p99 {percentile(logged, 0.99):.1f} ms")
            print(f"GET /api/v1/modules / static file: {ratio:.2f}x (target >= 0.8); "
                  f"submission p99 {results['submission']['p99']:.1f} ms at the client, {percentile(logged, 0.99):.1f} ms "
                  f"in the server, with {args.submitters} clients (targets: < 100 ms with 20 clients; with 60, "
                  f"server < 100 ms and client < 1 s)")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
