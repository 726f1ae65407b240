"""How long parsing and rendering the course takes.

    .venv/bin/python bench/content_render.py [--pages 1000] [--quick]

Measures, in one run:
  1. the real content/ tree, cold (first build in a fresh process), then the
     median of 5 rebuilds;
  2. N synthetic module pages (about 1,300 words each, with four-language
     code tabs, callouts, a table and links), built once;
  3. the same N pages through the site's store with the on-disk cache
     (course/content/cache.py): a cold start with an empty cache (rendered
     by this process and worker processes, course/content/workers.py), a
     restart with every file unchanged, and one edited file seen by a
     watching store (the median of 5 edits, each of another file); beside a
     bare, single-process Python-Markdown loop over the same files (same
     extensions);
  4. a warm request for module 1 through Django's test client (median of 200).
`--quick` uses 100 pages (under a minute).
Numbers go to docs/benchmarks.md by hand, with the machine they came from.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course.settings.test")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

import markdown  # noqa: E402

from course.content.store import ContentStore, build_course  # noqa: E402

BARE_EXTENSIONS = ["toc", "attr_list", "md_in_html", "tables", "def_list", "footnotes", "admonition", "pymdownx.details",
                   "pymdownx.superfences", "pymdownx.highlight", "pymdownx.tabbed"]


def bare_loop(root: Path) -> None:
    """What any Markdown site pays at least: read each file and render its body, nothing else."""
    for path in sorted(root.rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        markdown.markdown(body, extensions=BARE_EXTENSIONS,
                          extension_configs={"pymdownx.highlight": {"use_pygments": True, "guess_lang": False}})

SECTION = '''
## Section {n}: resources and representations {{#section-{n}}}

A resource is a noun the client can address. Each paragraph here stands in for
the prose of a real module: it explains a rule, gives a reason, and shows a
consequence for the people who call the API every day in production systems.
Clients cache what they can, retry what is safe, and read status codes first.

!!! mistake "Mixing verbs into paths"
    A path such as `/createOrder` hides the method; use `POST /v1/orders`.

| Method | Safe | Idempotent |
| --- | --- | --- |
| GET | yes | yes |
| POST | no | no |

=== "TypeScript"

    ```ts
    app.post("/v1/orders", async (c) => c.json(await create(c.req), 201));
    ```

=== "Python"

    ```python
    @router.post("/v1/orders", status_code=201)
    async def create_order(body: OrderIn) -> OrderOut: ...
    ```

=== "PHP"

    ```php
    Route::post('/v1/orders', [OrderController::class, 'store']);
    ```

=== "C#"

    ```csharp
    app.MapPost("/v1/orders", (OrderIn o) => Results.Created($"/v1/orders/{{o.Id}}", o));
    ```

See [the previous section](#section-{prev}) and [the FAQ](/faq/).
'''


def synthetic_tree(root: Path, pages: int) -> None:
    (root / "modules").mkdir(parents=True)
    for name, title in (("home", "Home"), ("faq", "FAQ"), ("roadmap", "Roadmap")):
        (root / f"{name}.md").write_text(f"---\ntitle: {title}\ndescription: D\n---\nIntro.\n")
    for index in range(1, pages + 1):
        body = "".join(SECTION.format(n=n, prev=max(1, n - 1)) for n in range(1, 9)) + "\n## Summary\n\nDone.\n"
        (root / "modules" / f"{index:04d}-page-{index}.md").write_text(
            f"---\ntitle: Page {index}\nsummary: S\nobjectives: [a, b, c]\n---\nIntro.\n{body}", encoding="utf-8"
        )


EDITS = 5


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="100 synthetic pages")
    args = parser.parse_args()
    if args.quick:
        args.pages = 100

    content = ROOT / "content"
    course, cold_ms = timed(lambda: build_course(content))
    rebuilds = [timed(lambda: build_course(content))[1] for _ in range(5)]
    words = sum(m.body.words for m in course.modules) + sum(e.body.words for e in course.faq) + sum(s.body.words for s in course.stages)
    print(f"real content: {course.page_count} files, {words} words, {len(course.problems)} problems")
    print(f"  cold build:            {cold_ms:8.1f} ms")
    print(f"  rebuild (median of 5): {statistics.median(rebuilds):8.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        synthetic_tree(Path(tmp), args.pages)
        synthetic, synthetic_ms = timed(lambda: build_course(Path(tmp)))
        words = sum(m.body.words for m in synthetic.modules)
        print(f"synthetic: {len(synthetic.modules)} pages, {words} words, {len(synthetic.problems)} problems")
        print(f"  build:                 {synthetic_ms:8.1f} ms ({synthetic_ms / len(synthetic.modules):.2f} ms a page)")
        _, bare_ms = timed(lambda: bare_loop(Path(tmp)))
        print(f"  bare Markdown loop:    {bare_ms:8.1f} ms")
        with tempfile.TemporaryDirectory() as cache_dir:
            cold = ContentStore(Path(tmp), watch=False, cache_dir=Path(cache_dir))
            _, cold_ms = timed(cold.course)
            warm = ContentStore(Path(tmp), watch=True, cache_dir=Path(cache_dir))
            _, warm_ms = timed(warm.course)
            print(f"  store, empty cache:    {cold_ms:8.1f} ms ({cold_ms / bare_ms:.2f}x the bare loop)")
            print(f"  restart, all cached:   {warm_ms:8.1f} ms ({warm.cache.hits} hits, {warm.cache.misses} misses)")
            modules = sorted((Path(tmp) / "modules").glob("*.md"))
            edits = []
            for edited in modules[len(modules) // 2:][:EDITS]:  # one at a time, a different file each
                stat = edited.stat()
                edited.write_text(edited.read_text(encoding="utf-8").replace("Intro.", "Intro, edited.", 1),
                                  encoding="utf-8")
                os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
                reads = warm.reads
                course, edit_ms = timed(warm.course)
                assert warm.reads == reads + 1 and "Intro, edited." in course.module(edited.stem[5:]).body.html
                edits.append(edit_ms)
            print(f"  one file edited (dev): {statistics.median(edits):8.1f} ms until the next request sees it "
                  f"(median of {len(edits)} edits; slowest {max(edits):.1f} ms)")

    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.get("/modules/api-fundamentals/")
    samples = [timed(lambda: client.get("/modules/api-fundamentals/"))[1] for _ in range(200)]
    print(f"warm module page via test client: median {statistics.median(samples):.2f} ms, "
          f"p95 {statistics.quantiles(samples, n=20)[-1]:.2f} ms")
    # A forked render worker's peak counts the pages it shares with this process, so it is not all extra.
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB "
          f"(largest render worker: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
