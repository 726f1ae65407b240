"""Load test: the site under gunicorn (2 workers) on loopback, three kinds of request in one run.

    .venv/bin/python bench/load.py [--seconds 10] [--clients 8] [--quick]

Starts gunicorn with production settings on a free loopback port (SQLite in
a temp dir, static files collected), then for each target runs `--clients`
keep-alive clients for `--seconds` and reports requests per second and
p50/p95/p99 latency:
  static file      GET the fingerprinted stylesheet
  new visitor      GET a module page, the FAQ, the roadmap and an exercise page with no cookie
  submission       POST an answer to an http-response exercise (graded in-process)
  with progress    a learner with a session and an attempt: the module page, the dashboard, the exercise page
and the ratios to the static file (goals, issue 19: a new visitor's page >= 0.8, a learner's >= 0.5).
Traffic goes only to 127.0.0.1; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(tmp: Path, *, workers: int = 2, threads: int = 4, database_url: str = "", env_extra: dict | None = None,
          access_log: Path | None = None) -> tuple[subprocess.Popen, int]:
    """gunicorn with production settings; with `access_log`, at LOG_LEVEL=INFO (production's default) with its
    JSON log lines written there, so the server's own durations can be read back (server_durations)."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": database_url or f"sqlite:///{tmp / 'db.sqlite3'}",
           "STATIC_ROOT": str(tmp / "static"),
           "PORT": str(port), "WEB_CONCURRENCY": str(workers), "THREADS": str(threads), "SUBMISSIONS_PER_MINUTE": "1000000",
           "SUBMISSIONS_PER_MINUTE_PER_ADDRESS": "1000000",
           "LOG_LEVEL": "INFO" if access_log else "WARNING", **(env_extra or {})}
    env.pop("DEBUG", None)
    python = Path(sys.executable)
    for command in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
        subprocess.run([str(python), "manage.py", *command], cwd=ROOT, env=env, check=True)
    log = open(access_log, "ab") if access_log else subprocess.DEVNULL  # noqa: SIM115 (the server keeps it open)
    server = subprocess.Popen([str(python.parent / "gunicorn"), "-c", "gunicorn.conf.py", "course.wsgi"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data


def measure(port: int, clients: int, seconds: float, make_request) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        client = Client(port)
        send = make_request(client)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            status = send()
            mine.append((time.perf_counter() - started) * 1000)
            if status >= 400:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    values = sorted(latencies)
    pct = lambda p: values[min(len(values) - 1, int(len(values) * p))]  # noqa: E731
    return {"rps": len(values) / elapsed, "p50": statistics.median(values), "p95": pct(0.95), "p99": pct(0.99),
            "errors": errors[0], "requests": len(values)}


def server_durations(access_log: Path, method: str, path_part: str, *, since: int = 0) -> tuple[list[float], int]:
    """duration_ms of every logged request (course.operations.middleware's access log) for `method` and a path
    containing `path_part`, from byte offset `since`; and the offset the log has reached."""
    data = access_log.read_bytes()
    found = []
    for line in data[since:].splitlines():
        if b'"duration_ms"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("method") == method and path_part in entry.get("path", ""):
            found.append(float(entry["duration_ms"]))
    return found, len(data)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def show(label: str, result: dict) -> None:
    print(f"{label:<17} {result['rps']:8.1f} req/s   p50 {result['p50']:6.1f} ms   p95 {result['p95']:6.1f} ms   "
          f"p99 {result['p99']:6.1f} ms   errors {result['errors']}")


ROUNDS = 3


def _merged(results: list[dict]) -> dict:
    """Rounds of one target as one line: mean rate, and the worst round's percentiles (an upper bound)."""
    return {"rps": statistics.mean(r["rps"] for r in results), "errors": sum(r["errors"] for r in results),
            **{name: max(r[name] for r in results) for name in ("p50", "p95", "p99")}}


def run(label: str, port: int, clients: int, seconds: float, make_request) -> float:
    """Measure one target, print its line, and give its requests per second."""
    result = measure(port, clients, seconds, make_request)
    show(label, result)
    return result["rps"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="2 s per target")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 2
    with tempfile.TemporaryDirectory() as tmp:
        server, port = start(Path(tmp))
        try:
            probe = Client(port)
            _, home = probe.request("GET", "/")
            stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', home)[1].decode()

            def anonymous(path):
                return lambda client: lambda: client.request("GET", path)[0]

            def static(client):
                return lambda: client.request("GET", stylesheet, headers={"Accept-Encoding": "gzip"})[0]

            def submission(client):
                _, html = client.request("GET", "/exercises/created-response/")
                token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1].decode()
                body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "snippet": "HTTP/1.1 201 Created\nLocation: /v1/orders/ord_123\nContent-Type: application/json\n\n{\"id\": \"ord_123\"}\n"}).encode()
                headers = {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                           "Referer": f"http://127.0.0.1:{port}/exercises/created-response/"}
                return lambda: client.request("POST", "/exercises/created-response/", body=body, headers=headers)[0]

            def with_progress(path):
                # A learner with a session and an attempt: their page is rendered for them, never cached.
                def make(client):
                    submission(client)()
                    return lambda: client.request("GET", path)[0]
                return make

            print(f"gunicorn, 2 workers x 4 threads, {args.clients} clients, {args.seconds:g} s each; each ratio is to "
                  f"the static file measured just before the target, in {ROUNDS} alternating rounds (the machine drifts)")
            visitors = (("module page", "/modules/api-fundamentals/"), ("FAQ", "/faq/"), ("roadmap", "/roadmap/"),
                        ("exercise page", "/exercises/created-response/"))
            learners = (("module, learner", "/modules/api-fundamentals/"), ("dashboard", "/dashboard/"),
                        ("exercise, learner", "/exercises/created-response/"))
            run("static file", port, args.clients, args.seconds, static)
            ratios = {}
            targets = [(label, anonymous(path)) for label, path in visitors]  # a new visitor: no cookie at all
            targets += [("submission", submission)] + [(label, with_progress(path)) for label, path in learners]
            for label, make in targets:
                ours, theirs, combined = 0.0, 0.0, []
                for _ in range(ROUNDS):
                    theirs += measure(port, args.clients, args.seconds / ROUNDS, static)["rps"]
                    result = measure(port, args.clients, args.seconds / ROUNDS, make)
                    ours += result["rps"]
                    combined.append(result)
                show(label, _merged(combined))
                ratios[label] = ours / theirs
            for label, _ in visitors:
                print(f"new visitor's {label} / static file: {ratios[label]:.2f}x (goal >= 0.8)")
            for label, _ in learners:
                print(f"{label} / static file: {ratios[label]:.2f}x (goal >= 0.5)")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
