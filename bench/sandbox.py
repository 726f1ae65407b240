"""Grading one 10-scenario python-handler answer, against starting a bare interpreter.

    .venv/bin/python bench/sandbox.py [--runs 40]

Reports median and p95 of:
  bare     `python3 -I -S -c pass` (the cheapest possible process start)
  warm     one grading through the pool when a warm sandbox is waiting
           (the steady state of a site: submissions are seconds apart)
  burst    gradings back to back, faster than sandboxes can be re-warmed
  cold     one grading with no warm sandbox (bubblewrap + interpreter start)
  scenario one http-scenario grading of 10 steps (a WSGI app driven request by
           request in one sandbox), warm, as `warm` is
Goals: warm median / bare median <= 1.0; scenario median / warm median <= 1.5.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course.settings.test")

import django  # noqa: E402

django.setup()

from course.exercises.grading import Check, grader_for  # noqa: E402
from course.exercises.graders.python_handler import ScenarioParams  # noqa: E402
from course.sandbox import service  # noqa: E402
from course.sandbox.launcher import Limits, default_python, interpreter  # noqa: E402
from course.sandbox.pool import Pool  # noqa: E402
from course.exercises.graders.http_scenario import StatusParams  # noqa: E402

SUPPORT = "def run(answer, case):\n    store = {}\n    return [answer.handle(store, key) for key in case]\n"
ANSWER = (
    "def handle(store, key):\n"
    "    if key is None:\n        return {'status': 400}\n"
    "    if key in store:\n        return store[key]\n"
    "    store[key] = {'status': 201, 'id': len(store) + 1}\n"
    "    return store[key]\n"
)
CHECKS = tuple(
    Check(f"s{i}", "scenario", ScenarioParams(input=[f"k{i}", f"k{i}", None], expect=[{"status": 201, "id": 1}, {"status": 201, "id": 1}, {"status": 400}]), "/x/#y")
    for i in range(10)
)


STEPS = "steps:\n" + "".join(
    f"  - {{name: s{i}, method: POST, target: /items, json: {{n: {i}}}}}\n" if i % 2 == 0 else
    f"  - {{name: s{i}, method: GET, target: \"{{{{ s{i - 1}.headers.Location }}}}\"}}\n" for i in range(10))
APP = (
    "import json\nITEMS = {}\n"
    "def app(environ, start_response):\n"
    "    if environ['REQUEST_METHOD'] == 'POST':\n"
    "        key = str(len(ITEMS) + 1)\n"
    "        ITEMS[key] = json.loads(environ['wsgi.input'].read(int(environ['CONTENT_LENGTH'])))\n"
    "        start_response('201 Created', [('Location', '/items/' + key), ('Content-Type', 'application/json')])\n"
    "        return [json.dumps(ITEMS[key]).encode()]\n"
    "    start_response('200 OK', [('Content-Type', 'application/json')])\n"
    "    return [json.dumps(ITEMS[environ['PATH_INFO'].rsplit('/', 1)[1]]).encode()]\n"
)
SCENARIO_CHECKS = tuple(
    Check(f"c{i}", "status", StatusParams(step=f"s{i}", expect=201 if i % 2 == 0 else 200), "/x/#y") for i in range(10)
)


def ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def summary(label: str, values: list[float]) -> float:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    median = statistics.median(values)
    print(f"{label:<7} median {median:7.1f} ms   p95 {p95:7.1f} ms   ({len(values)} runs)")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    python = default_python()
    grader = grader_for("python-handler")

    bare = [ms(lambda: subprocess.run([python, "-I", "-S", "-c", "pass"], check=True)) for _ in range(args.runs)]

    pool = Pool(interpreter(python), Limits(), warm=2, max_running=4)
    service._pool, service._availability = pool, service.Availability(True)
    assert grader.grade(ANSWER, CHECKS, support=SUPPORT).passed
    warm = []
    for _ in range(args.runs):
        while pool._ready.qsize() < pool.warm:  # wait for the steady state: sandboxes re-warmed
            time.sleep(0.005)
        warm.append(ms(lambda: grader.grade(ANSWER, CHECKS, support=SUPPORT)))
    scenario_grader = grader_for("http-scenario")
    assert scenario_grader.grade(APP, SCENARIO_CHECKS, support=STEPS).passed
    scenario = []
    for _ in range(args.runs):
        while pool._ready.qsize() < pool.warm:
            time.sleep(0.005)
        scenario.append(ms(lambda: scenario_grader.grade(APP, SCENARIO_CHECKS, support=STEPS)))
    burst = [ms(lambda: grader.grade(ANSWER, CHECKS, support=SUPPORT)) for _ in range(args.runs)]
    pool.close()

    cold_pool = Pool(interpreter(python), Limits(), warm=0, max_running=4)
    service._pool = cold_pool
    cold = [ms(lambda: grader.grade(ANSWER, CHECKS, support=SUPPORT)) for _ in range(max(10, args.runs // 4))]
    cold_pool.close()

    print(f"interpreter: {python}; 10 scenarios a grading")
    base = summary("bare", bare)
    warm_median = summary("warm", warm)
    summary("burst", burst)
    summary("cold", cold)
    scenario_median = summary("scenario", scenario)
    print(f"warm / bare median ratio: {warm_median / base:.2f} (goal <= 1.0)")
    print(f"10-step scenario / python-handler grading median ratio: {scenario_median / warm_median:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
