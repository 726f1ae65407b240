"""The graders' property tests, run long: how many answers were tried, and whether any was misjudged.

    .venv/bin/python bench/grader_properties.py [--examples 2000]

CI runs the same properties derandomized with a few hundred examples each
(tests/exercises/graders/test_properties.py, test_type_swaps.py); this runs
them with fresh randomness and many more, and prints the examples tried per
property. Exits non-zero, with the failing answer, if a grader ever answers
"a problem on our side" or raises.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course.settings.test")

import django  # noqa: E402

django.setup()

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.exercises.graders.swaps import assert_total, join, replaced, split, swaps  # noqa: E402
from tests.exercises.graders.test_properties import CASES, assert_is_grade, mangled, text  # noqa: E402
from tests.exercises.graders.test_type_swaps import WITH_DATA, multi_swapped  # noqa: E402


def run(name: str, strategy, check, examples: int) -> None:
    tried = [0]

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(case=strategy)
    def prop(case):
        tried[0] += 1
        check(case)

    start = time.perf_counter()
    prop()
    print(f"{name:<44} {tried[0]:>7} examples  {time.perf_counter() - start:6.1f} s  ok")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=2000)
    args = parser.parse_args()
    single = 0
    start = time.perf_counter()
    for exercise in WITH_DATA:  # exhaustive: every node of every reference, every other type
        head, data, style = split(exercise.kind, exercise.solution.text)
        for at, value in swaps(data):
            assert_total(exercise.kind, exercise, join(head, replaced(data, at, value), style))
            single += 1
    print(f"{'every single type swap of ' + str(len(WITH_DATA)) + ' references':<44} {single:>7} answers   "
          f"{time.perf_counter() - start:6.1f} s  ok")
    run("two to four swaps at once", multi_swapped(), lambda case: assert_total(case[0].kind, case[0], case[1]), args.examples)
    for kind in sorted(CASES):
        run(f"{kind}: mangled good answer", mangled(CASES[kind][1]), lambda snippet, kind=kind: assert_is_grade(kind, snippet),
            args.examples)
        run(f"{kind}: random text", text, lambda snippet, kind=kind: assert_is_grade(kind, snippet), args.examples // 2)


if __name__ == "__main__":
    main()
