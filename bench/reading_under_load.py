"""Reading while hostile Python submissions are graded: /health and a module page must not starve.

    .venv/bin/python bench/reading_under_load.py [--seconds 10] [--hostile 10]

Starts gunicorn with production settings, ONE worker with 4 threads, on loopback. First measures
/health and a module page alone; then again while `--hostile` clients keep submitting a
python-handler answer that spins in a busy loop until the sandbox stops it (2 s of CPU each). Reports
p50/p95 for each read, and what the submissions got (graded, or 503 Busy with Retry-After).
Goal (issue 12): both reads p95 <= 100 ms under that load.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import Client, start  # noqa: E402

EXERCISE = "/exercises/idempotency-key-handler/"
HOSTILE = "def handle(*args, **kwargs):\n    while True:\n        pass\n"


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"p50 {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   ({len(values)} requests)"


def reader(port: int, path: str, stop: float, out: list[float]) -> None:
    client = Client(port)
    while time.monotonic() < stop:
        started = time.perf_counter()
        status, _ = client.request("GET", path)
        out.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
        time.sleep(0.02)  # a probe's pace, not a flood: this measures latency, not throughput


def submitter(port: int, stop: float, statuses: list[int]) -> None:
    client = Client(port)
    _, html = client.request("GET", EXERCISE)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1].decode()
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "snippet": HOSTILE}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}{EXERCISE}"}
    while time.monotonic() < stop:
        status, _ = client.request("POST", EXERCISE, body=body, headers=headers)
        statuses.append(status)
        if status == 503:
            time.sleep(0.2)


def measure(port: int, seconds: float, hostile: int) -> tuple[list[float], list[float], list[int]]:
    stop = time.monotonic() + seconds
    health, page, statuses = [], [], []
    threads = [threading.Thread(target=reader, args=(port, "/health", stop, health)),
               threading.Thread(target=reader, args=(port, "/modules/api-fundamentals/", stop, page))]
    threads += [threading.Thread(target=submitter, args=(port, stop, statuses)) for _ in range(hostile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return health, page, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--hostile", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server, port = start(Path(tmp), workers=1, threads=4)
        try:
            Client(port).request("GET", "/modules/api-fundamentals/")  # warm the page
            print(f"gunicorn, 1 worker x 4 threads; {args.seconds:g} s per phase")
            health, page, _ = measure(port, args.seconds, 0)
            print(f"alone           /health {percentiles(health)}")
            print(f"                module  {percentiles(page)}")
            health, page, statuses = measure(port, args.seconds, args.hostile)
            print(f"{args.hostile} hostile      /health {percentiles(health)}")
            print(f"                module  {percentiles(page)}")
            counts = {status: statuses.count(status) for status in sorted(set(statuses))}
            print(f"submissions     {counts} (200: graded and told; 503: Busy, Retry-After)")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
