"""manage.py check_samples: every fenced block readers see parses with a real parser for its language."""

from __future__ import annotations

import io
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from course.content.store import build_course
from course.exercises import samples
from course.exercises.samples import check_samples, find_blocks, in_ci

FRONT = "---\ntitle: Demo\nsummary: A module for the sample check.\n---\n"


def need(available: bool, what: str) -> None:
    """Outside CI a missing parser skips the test, with the reason; in CI it fails."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} is not installed; CI must install every parser check_samples uses")
    pytest.skip(f"{what} is not installed here")


def has_typescript() -> bool:
    return shutil.which("node") is not None and (samples.node_modules() / "typescript" / "package.json").is_file()


def has_module(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


TOOLS = {
    "php": (lambda: shutil.which("php") is not None, "php (apt-get install php-cli)"),
    "ts": (has_typescript, "the TypeScript parser (./dev setup)"),
    "js": (has_typescript, "the TypeScript parser (./dev setup)"),
    "csharp": (lambda: has_module("tree_sitter_c_sharp"), "tree-sitter-c-sharp"),
    "sql": (lambda: has_module("pglast"), "pglast"),
    "graphql": (lambda: has_module("graphql"), "graphql-core"),
    "dockerfile": (lambda: has_module("dockerfile"), "dockerfile"),
    "protobuf": (lambda: has_module("proto_schema_parser"), "proto-schema-parser"),
    "sh": (lambda: shutil.which("bash") is not None, "bash"),
}


def need_tool(lang: str) -> None:
    if lang in TOOLS:
        check, what = TOOLS[lang]
        need(check(), what)


def write(root: Path, name: str, body: str, front: str = FRONT) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front + textwrap.dedent(body), encoding="utf-8")
    return path


def fence(lang: str, code: str, info: str = "") -> str:
    return f"Text.\n\n```{lang}{info}\n{textwrap.dedent(code).strip()}\n```\n"


# (language, a good block, a broken block, the line of the broken block that is wrong, words of the message)
CASES = [
    ("python", "def f(x):\n    return await g(x)", "def f(x):\n    return x +\n", 2, "invalid syntax"),
    ("php", "$total = array_sum($prices);\necho $total;", "$total = array_sum($prices\necho $total;", 2, "syntax error"),
    ("ts", "const n: number = await count();\nexport type Id = string;", "const x = {\n  a: 1,\n  b: ;\n};", 3, "Expression expected"),
    ("js", "const list = [1, 2].map((n) => n * 2);", "const a = 1;\nconst b = ;", 2, "Expression expected"),
    ("csharp", "var orders = await db.Orders.ToListAsync();\nrecord Order(int Id);",
     "public class A\n{\n    int X => ;\n}", 3, "syntax error"),
    ("json", '{"id": 1, "tags": ["a"]}', '{\n  "id": 1,\n  "tags": [\'a\']\n}', 3, "not valid JSON"),
    ("yaml", "a: 1\n---\nb: [2, 3]", "a: 1\nb: [2, 3\nc: 4", 3, "not valid YAML"),
    ("http", "GET /v1/orders HTTP/1.1\nHost: api.example", "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 99\n\n{\"id\": 1}",
     3, "does not match the body"),
    ("sql", "SELECT id FROM orders WHERE id = $1;", "SELECT id\nFROM orders\nWHERE id = ;", 3, "syntax error"),
    ("sh", "export TOKEN=abc\ncurl -H \"Authorization: Bearer $TOKEN\" https://api.example", "if true; then\n  echo hi\n", 2, "bash -n"),
    ("graphql", "query { book(id: 1) { title } }", "query {\n  book(id: 1) {\n    title\n}", 4, "Syntax Error"),
    ("dockerfile", "FROM python:3.11-slim\nRUN pip install uv", "FROM python:3.11-slim\nRUNN pip install uv", 2, "not a Dockerfile instruction"),
    ("protobuf", "message A { string id = 1; }", "message A {\n  string id = ;\n}", 2, "Protocol Buffers"),
]


@pytest.mark.parametrize("lang, good, bad, bad_line, words", CASES, ids=[case[0] for case in CASES])
def test_a_broken_block_of_each_checked_language_is_reported_with_its_file_line(tmp_path, lang, good, bad, bad_line, words):
    need_tool(lang)
    path = write(tmp_path, "modules/01-demo.md", fence(lang, good) + "\n" + fence(lang, bad))
    report = check_samples(tmp_path)
    assert report.counts()[lang]["ok"] == 1, [f.format() for f in report.findings]
    [broken] = report.broken
    lines = path.read_text().split("\n")
    fence_line = max(i for i, line in enumerate(lines, 1) if line == f"```{lang}")
    assert broken.block.line == fence_line
    assert broken.line == fence_line + bad_line
    assert words in broken.message
    assert broken.format(tmp_path).startswith(f"modules/01-demo.md:{fence_line + bad_line}: {lang}: ")


def test_blocks_in_tabs_and_callouts_are_found_at_their_lines(tmp_path):
    body = """\
    Intro.

    === "Python"

        ```python
        def ok(): ...
        ```

    === "TypeScript"

        ```ts
        const ok = 1;
        ```

    !!! note "Inside a callout"
        ```python
        def broken(:
        ```
    """
    path = write(tmp_path, "faq/01-demo.md", body, front="---\nquestion: Why?\nmodule: demo\n---\n")
    blocks, problems, _ = find_blocks(tmp_path)
    lines = path.read_text().split("\n")
    assert [(b.lang, b.line) for b in blocks] == [
        (lang, i) for i, line in enumerate(lines, 1) for lang in ("python", "ts") if line.strip() == f"```{lang}"
    ]
    assert blocks[0].text == "def ok(): ...\n"  # the tab's indentation is removed
    report = check_samples(tmp_path)
    assert [(f.block.line, f.line) for f in report.broken] == [(blocks[2].line, blocks[2].line + 1)]


def test_header_fields_alone_are_read_as_a_message_head(tmp_path):
    write(tmp_path, "home.md", fence("http", "Set-Cookie: id=1; Secure; HttpOnly") + fence("http", "Cache-Control: max-age=60\nBad Header: x"),
          front="---\ntitle: Home\ndescription: Demo.\n---\n")
    report = check_samples(tmp_path)
    [broken] = report.broken
    assert broken.line == broken.block.line + 2 and "header name" in broken.message


def test_a_101_switching_protocols_answer_is_a_valid_message(tmp_path):
    write(tmp_path, "modules/01-demo.md", fence("http", "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade"))
    report = check_samples(tmp_path)
    assert report.broken == [] and report.counts()["http"]["ok"] == 1


def test_a_request_without_host_is_broken(tmp_path):
    write(tmp_path, "modules/01-demo.md", fence("http", "GET /v1/orders HTTP/1.1\nAccept: application/json"))
    [broken] = check_samples(tmp_path).broken
    assert "Host" in broken.message


def test_needs_skips_a_block_for_a_newer_version_and_checks_it_when_the_version_is_here(tmp_path):
    write(tmp_path, "modules/01-demo.md",
          fence("python", "def f[T](x: T) -> T: return x", ' {needs="python 3.99"}')
          + fence("python", "def f(:", ' {needs="python 3.0"}'))
    report = check_samples(tmp_path)
    skipped = [f for f in report.findings if f.status == "skipped"]
    assert len(skipped) == 1 and "needs Python 3.99; this check has 3." in skipped[0].message
    assert len(report.broken) == 1 and report.broken[0].block.attrs == {"needs": "python 3.0"}


@pytest.mark.parametrize("info, message", [
    (' {needs="python"}', "must read '<language> <version>'"),
    (' {needs="php 8.3"}', "names php, but the block is python"),
    (' {unchecked=""}', "needs a reason"),
    (' {neds="python 3.12"}', "unknown fence attribute 'neds'"),
    (' needs="python 3.12"', "the renderer cannot read the fence"),
])
def test_a_fence_written_wrong_is_broken(tmp_path, info, message):
    write(tmp_path, "modules/01-demo.md", fence("python", "x = 1", info))
    [broken] = check_samples(tmp_path).broken
    assert message in broken.message


def test_unchecked_skips_with_its_reason_and_text_is_not_checked(tmp_path):
    write(tmp_path, "modules/01-demo.md",
          fence("http", "HTTP/1.1 200 OK\nContent-Length: 5000\n\n(the file)", ' {unchecked="the body is a placeholder"}')
          + fence("text", "anything { at all"))
    report = check_samples(tmp_path)
    assert not report.broken
    assert [(f.block.lang, f.status, f.message) for f in report.findings] == [
        ("http", "skipped", "the body is a placeholder"), ("text", "unchecked", "plain text has no syntax")]


def test_a_block_without_language_or_never_closed_is_broken(tmp_path):
    write(tmp_path, "modules/01-demo.md", "```\nplain\n```\n\n```python\nx = 1\n")
    messages = [f.message for f in check_samples(tmp_path).broken]
    assert any("name the block's language" in m for m in messages)
    assert any("never closed" in m for m in messages)


def test_exercise_answers_are_left_to_check_content_but_support_and_prompt_blocks_are_read(tmp_path):
    write(tmp_path, "exercises/demo/01-demo.md", """\
    The prompt:

    ```json
    {"broken": }
    ```

    ```python support
    def run(answer, case) -> :
        pass
    ```

    ```python wrong fails=error
    def (
    ```
    """, front="---\ntitle: Demo\nkind: python-handler\nchecks: []\n---\n")
    report = check_samples(tmp_path)
    assert report.answers == 1
    assert sorted(f.block.lang for f in report.broken) == ["json", "python"]


def test_the_finder_sees_the_blocks_the_renderer_highlights():
    """Every code block on every published page is found, no more (exercise support blocks are not on the page)."""
    course = build_course(settings.CONTENT_DIR)
    blocks, problems, _ = find_blocks(settings.CONTENT_DIR)
    documents = list(course.modules) + list(course.faq) + list(course.stages) + list(course.pages.values()) + list(course.exercises)
    support = {(e.source.path, line) for e in course.exercises for line in _support_lines(e.source.text, e.source.body_line)}
    for document in documents:
        rendered = document.body.html.count('<div class="highlight"')
        found = [b for b in blocks if b.path == document.source.path and (b.path, b.line) not in support]
        found += [p for p in problems if p.block.path == document.source.path]
        assert len(found) == rendered, document.source.path


def _support_lines(text: str, body_line: int) -> list[int]:
    return [i for i, line in enumerate(text.split("\n"), 1) if re.match(r"^`{3,}\w+ support\b", line)]


def test_the_course_has_no_broken_sample_and_a_parser_for_every_checked_language():
    report = check_samples(settings.CONTENT_DIR)
    for lang, reason in report.tools_missing.items():
        need(False, f"the parser for {lang} ({reason})")
    assert [f.format() for f in report.broken] == []
    checked = {lang for lang, row in report.counts().items() if row["ok"]}
    assert {"python", "php", "ts", "csharp", "http", "json", "yaml"} <= checked


def test_the_command_lists_broken_blocks_counts_languages_and_fails(tmp_path):
    write(tmp_path, "modules/01-demo.md", fence("python", "x = (") + fence("json", "[1, 2]") + fence("text", "free"))
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 broken sample\(s\)"):
        call_command("check_samples", root=str(tmp_path), stdout=out)
    text = out.getvalue()
    assert re.search(r"modules/01-demo\.md:\d+: python: .*\(Python 3\.", text)
    assert re.search(r"python +1 checked, 1 broken", text)
    assert re.search(r"json +1 checked\n", text)
    assert "text        1 not checked: plain text has no syntax" in text


def test_a_missing_parser_is_a_skip_with_its_reason_outside_ci_and_a_failure_in_ci(tmp_path, monkeypatch):
    write(tmp_path, "modules/01-demo.md", fence("ts", "const x = 1;"))
    monkeypatch.setenv("SAMPLES_NODE_MODULES", str(tmp_path / "nothing"))
    monkeypatch.setenv("CI", "")
    out = io.StringIO()
    call_command("check_samples", root=str(tmp_path), stdout=out)
    assert "ts          1 skipped (the TypeScript parser is not installed in" in out.getvalue()
    monkeypatch.setenv("CI", "1")
    with pytest.raises(CommandError, match="parsers missing for ts; in CI every parser must be installed"):
        call_command("check_samples", root=str(tmp_path), stdout=io.StringIO())
