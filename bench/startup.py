"""Startup: gunicorn start to the first 200 on a module page, with the content cache cold and warm.

    .venv/bin/python bench/startup.py [--runs 3] [--quick]

Starts gunicorn (production settings, 2 workers, as bench/load.py does) on a free loopback port and
polls GET /modules/api-fundamentals/ every 10 ms from the moment the process is spawned until it
answers 200. The first run has an empty CONTENT_CACHE_DIR (everything rendered); the next runs
reuse it (a restart with unchanged files). Goal (issue 19): under 2 s with the cache warm.
`--quick` makes one warm run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import free_port  # noqa: E402

PAGE = "/modules/api-fundamentals/"


def environment(tmp: Path, port: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "STATIC_ROOT": str(tmp / "static"),
           "CONTENT_CACHE_DIR": str(tmp / "content-cache"), "PORT": str(port), "WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING"}
    env.pop("DEBUG", None)
    return env


def first_200(tmp: Path) -> float:
    port = free_port()
    env = environment(tmp, port)
    python = Path(sys.executable)
    started = time.monotonic()
    server = subprocess.Popen([str(python.parent / "gunicorn"), "-c", "gunicorn.conf.py", "course.wsgi"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = started + 120
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", PAGE)
                if connection.getresponse().status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.01)
        raise SystemExit(f"no 200 from {PAGE} within 120 s")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm runs after the cold one")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        env = environment(tmp, 0)
        for command in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        cold = first_200(tmp)
        print(f"cold cache: {cold:.2f} s to the first 200 on {PAGE}")
        warm = [first_200(tmp) for _ in range(1 if args.quick else args.runs)]
        print(f"warm cache: median {statistics.median(warm):.2f} s, max {max(warm):.2f} s over {len(warm)} runs (goal < 2 s)")


if __name__ == "__main__":
    main()
