"""Grading time per kind, on the course's own material and on hostile inputs.

    .venv/bin/python bench/grading.py [--repeat 20]

1. For every exercise in content/: the reference solution, the starter and
   each known-wrong answer, graded `--repeat` times; median and p99 per kind.
2. Worst cases at the 64 KiB limit (huge header sections, thousands of
   routes, deep or wide JSON, big OpenAPI documents, YAML alias bombs):
   the slowest single grading per kind, and the pathological inputs of
   tests/exercises/graders/test_exactness.py (long runs of spaces, tabs,
   colons, quotes, nesting). Goal: every one under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course.settings.test")

import django  # noqa: E402

django.setup()

from course.content.store import build_course  # noqa: E402
from course.exercises.grading import MAX_SNIPPET_BYTES, grader_for  # noqa: E402

LIMIT = MAX_SNIPPET_BYTES - 64


def hostile() -> dict[str, list[tuple[str, str]]]:
    many_headers = "HTTP/1.1 200 OK\n" + "".join(f"X-H{i}: {'v' * 20}\n" for i in range(2000))
    wide_json = json.dumps({f"k{i}": [i, str(i), {"a": None}] for i in range(2500)})
    deep_ok = "[" * 60 + "]" * 60
    routes = "".join(f"GET /v1/orders/{{orderId}}/items-{i}  List items\n" for i in range(1500))
    paths = {f"/v1/r{i}": {"get": {"operationId": f"op{i}", "responses": {"200": {"description": "ok"}}}} for i in range(400)}
    openapi = json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths})
    bomb = "openapi: 3.1.0\na: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
    cases = {
        "http-response": [("2,000 headers", many_headers[:LIMIT]),
                          ("64 KiB JSON body", "HTTP/1.1 200 OK\nContent-Type: application/json\n\n" + wide_json[:LIMIT - 60].rsplit(",", 1)[0] + "}"),
                          ("64 KiB of one line", "HTTP/1.1 200 OK\nX: " + "a" * (LIMIT - 30))],
        "http-request": [("2,000 headers", "GET / HTTP/1.1\nHost: x\n" + many_headers[16:LIMIT])],
        "route-table": [("1,500 routes", routes[:LIMIT].rsplit("\n", 1)[0])],
        "openapi": [("400 operations", openapi[:LIMIT] if len(openapi) < LIMIT else openapi),
                    ("YAML alias bomb", bomb), ("deep nesting", "openapi: 3.1.0\nx: " + "[" * 5000)],
        "json-document": [("64 KiB wide object", wide_json[:LIMIT].rsplit(",", 1)[0] + "}"), ("deep array", deep_ok),
                          ("very deep array", "[" * 30000 + "]" * 30000)],
    }
    from tests.exercises.graders.test_exactness import HOSTILE  # the worst inputs the tests grade too

    for label, (kind, snippet) in HOSTILE.items():
        cases.setdefault(kind, []).append((label, snippet))
    return cases


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    course = build_course(ROOT / "content")
    samples: dict[str, list[float]] = defaultdict(list)
    checks_by_kind: dict[str, tuple] = {}
    for exercise in course.exercises:
        grader = grader_for(exercise.kind)
        checks_by_kind.setdefault(exercise.kind, exercise.checks)
        for sample in (exercise.solution, exercise.starter, *exercise.wrong):
            for _ in range(args.repeat):
                samples[exercise.kind].append(timed(lambda: grader.grade(sample.text, exercise.checks, support=exercise.support)))
    print(f"{len(course.exercises)} exercises, each answer graded {args.repeat} times")
    print(f"{'kind':<15} {'gradings':>9} {'median ms':>10} {'p99 ms':>8}")
    for kind in sorted(samples):
        values = sorted(samples[kind])
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"{kind:<15} {len(values):>9} {statistics.median(values):>10.2f} {p99:>8.2f}")
    print("\nworst cases at the size limit (slowest of 3 runs):")
    for kind, cases in hostile().items():
        checks = checks_by_kind.get(kind, ())
        grader = grader_for(kind)
        for label, snippet in cases:
            worst = max(timed(lambda: grader.grade(snippet, checks)) for _ in range(3))
            status = grader.grade(snippet, checks).status
            size = len(snippet.encode())
            flag = "" if worst < 50 else "  OVER THE 50 ms GOAL"
            print(f"  {kind:<15} {label:<40} {size:>6} bytes  {worst:7.1f} ms  ({status}){flag}")


if __name__ == "__main__":
    main()
