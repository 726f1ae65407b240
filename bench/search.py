"""Search latency: the real course, and 1,000 synthetic pages.

    .venv/bin/python bench/search.py [--queries 300]

Builds the SQLite FTS5 index (course/catalogue/search.py) and runs a mix of one-word, two-word
and prefix queries drawn from the indexed text, reporting build time and p50/p95 per query.
Goals (issue 17): p95 <= 30 ms on the course, <= 50 ms on 1,000 synthetic pages.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course.settings.test")

import django  # noqa: E402

django.setup()

from course.catalogue.search import SearchIndex, text_of  # noqa: E402
from course.content.store import get_course  # noqa: E402


def synthetic_course(pages: int, vocabulary: list[str], rng: random.Random) -> SimpleNamespace:
    modules = []
    for number in range(pages):
        sections = "".join(
            f'<h2 id="s{number}-{index}">{" ".join(rng.choices(vocabulary, k=4))}</h2>'
            f'<p>{" ".join(rng.choices(vocabulary, k=220))}</p><pre><code>{" ".join(rng.choices(vocabulary, k=30))}</code></pre>'
            for index in range(6))
        modules.append(SimpleNamespace(is_published=True, title=f"Page {number}", summary="", url=f"/modules/p{number}/",
                                       body=SimpleNamespace(html=sections)))
    return SimpleNamespace(modules=modules, faq=(), stages=(), exercises=())


def measure(label: str, index: SearchIndex, words: list[str], queries: int, rng: random.Random) -> None:
    mix = []
    for _ in range(queries):
        kind = rng.random()
        if kind < 0.4:
            mix.append(rng.choice(words))
        elif kind < 0.8:
            mix.append(f"{rng.choice(words)} {rng.choice(words)}")
        else:
            word = rng.choice(words)
            mix.append(word[: max(2, len(word) // 2)])
    times = []
    for query in mix:
        started = time.perf_counter()
        index.search(query)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95)]
    print(f"{label:<28} rows {index.size:>6,}   p50 {statistics.median(times):6.2f} ms   p95 {p95:6.2f} ms   ({queries} queries)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(12)
    course = get_course()
    started = time.perf_counter()
    real = SearchIndex(course)
    print(f"course index built in {(time.perf_counter() - started) * 1000:.0f} ms")
    words = sorted({word for module in course.modules for word in text_of(module.body.html).lower().split()
                    if word.isalpha() and len(word) > 3})
    measure("the course", real, words, args.queries, rng)
    started = time.perf_counter()
    big = SearchIndex(synthetic_course(1000, words[:5000], rng))
    print(f"synthetic index built in {(time.perf_counter() - started) * 1000:.0f} ms")
    measure("1,000 synthetic pages", big, words[:5000], args.queries, rng)


if __name__ == "__main__":
    main()
