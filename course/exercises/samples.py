"""Every fenced code block readers see in content/ must parse: `manage.py check_samples`.

Blocks are found in the bodies of the files the site publishes (modules, FAQ
answers, roadmap stages, the pages, exercise prompts and support blocks),
inside tabs and callouts too, each with its file and line. Each language is
read by a real parser for it, syntax only:

    python      the running interpreter (compile to an AST; top-level await allowed)
    php         `php -l` (Debian's php-cli)
    ts, js      the TypeScript compiler's parser (tools/node/, installed by ./dev into .tools/node/)
    csharp      tree-sitter with its C# grammar (no C# compiler runs here)
    json        the graders' JSON reader
    yaml        PyYAML's safe loader, every document of a stream
    http        the graders' HTTP/1.1 message reader, with Content-Length counted against the body
    sql         PostgreSQL's own parser (pglast)
    sh          `bash -n`
    graphql     graphql-core
    dockerfile  Docker's parser (the `dockerfile` package) and the instruction names
    protobuf    proto-schema-parser (an ANTLR grammar of the .proto language)

Exercise answers (starter, solution, wrong) are not read here: check_content
grades them against their checks.

A fence can say `{needs="python 3.12"}` (the block needs a newer language
version than the check has: it is checked when the version is there, else
skipped with the reason) or `{unchecked="why"}` (skipped with that reason).
content/README.md is the authors' guide to both.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from markdown.extensions.attr_list import get_attrs

from course.content.frontmatter import FrontMatterError, parse_front_matter
from course.content.loader import content_files

from .grading import NoParams, Unreadable, grader_for
from .graders.http_message import parse_message
from .graders.reading import read_json

# An opening fence as pymdownx.superfences reads it: a language, then attributes in braces.
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_INFO = re.compile(r"^[ \t]*\.?(?P<lang>[\w#.+-]+)?(?:[ \t]*\{(?P<attrs>[^\n]*)\})?[ \t]*$")
_ROLE = re.compile(r"^[ \t]*(?P<lang>[\w#.+-]+)[ \t]+(?P<role>starter|solution|wrong|support)\b")
_NEEDS = re.compile(r"^(?P<tool>[a-z#]+) (?P<version>[0-9]+(?:\.[0-9]+){0,2})$")
_ATTRIBUTES = {"needs", "unchecked", "title", "hl_lines", "linenums"}  # the last three are superfences' own

ALIASES = {
    "typescript": "ts", "javascript": "js", "py": "python", "cs": "csharp", "c#": "csharp", "yml": "yaml",
    "bash": "sh", "shell": "sh", "console": "sh", "txt": "text", "plaintext": "text", "md": "markdown",
    "proto": "protobuf", "gql": "graphql", "docker": "dockerfile", "htm": "html",
}
# Languages no parser here checks, and why (printed in the summary).
NOT_CHECKED = {
    "text": "plain text has no syntax",
    "markdown": "any text is valid Markdown",
    "html": "HTML parsing never fails (browsers recover from any markup)",
    "csv": "any text is valid CSV",
}


class ToolMissing(Exception):
    """The parser for a language is not installed here; the message says how to install it."""


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # file line of the opening fence
    lang: str  # normalised: 'ts', 'python', ...
    written: str  # the language as the fence names it
    text: str
    attrs: dict = field(default_factory=dict)

    def at(self, line_in_block: int | None) -> int:
        """The file line of a 1-based line of the block's text (the fence line if unknown)."""
        if not line_in_block:
            return self.line
        return self.line + max(1, min(line_in_block, self.text.rstrip("\n").count("\n") + 1))


@dataclass(frozen=True)
class Finding:
    block: Block
    status: str  # "ok", "broken", "skipped", "unchecked" (language not checked)
    message: str = ""
    line: int | None = None  # file line of the problem

    def format(self, base: Path | None = None) -> str:
        path = self.block.path
        if base is not None and path.is_relative_to(base):
            path = path.relative_to(base)
        what = f"skipped: {self.message}" if self.status == "skipped" else self.message
        return f"{path}:{self.line or self.block.line}: {self.block.written or 'code'}: {what}"


@dataclass
class Report:
    findings: list[Finding]
    answers: int  # exercise answer blocks left to check_content
    tools_missing: dict[str, str]  # language -> why its blocks were skipped

    @property
    def broken(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "broken"]

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for finding in self.findings:
            row = out.setdefault(finding.block.lang, {"ok": 0, "broken": 0, "skipped": 0, "unchecked": 0})
            row[finding.status] += 1
        return dict(sorted(out.items()))


# --- finding the blocks ---------------------------------------------------------------------------

def blocks_in_text(path: Path, body: str, body_line: int, *, exercise: bool) -> tuple[list[Block], list[Finding], int]:
    """The fenced blocks of one body (front matter removed), the fences the renderer would not read, and the
    number of exercise answers skipped."""
    lines = body.split("\n")
    blocks: list[Block] = []
    problems: list[Finding] = []
    answers = 0
    index = 0
    while index < len(lines):
        match = _OPEN.match(lines[index])
        if not match:
            index += 1
            continue
        indent, fence, info = match["indent"], match["fence"], match["info"]
        fence_line = body_line + index
        closer = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(index + 1, len(lines)) if closer.match(lines[j])), None)
        content = [_dedent(line, len(indent)) for line in lines[index + 1 : end if end is not None else len(lines)]]
        text = "\n".join(content) + "\n"
        index = (end if end is not None else len(lines)) + 1
        role = _ROLE.match(info) if exercise else None
        if role:
            if role["role"] == "support":
                written = role["lang"]
                blocks.append(Block(path, fence_line, _normal(written), written, text))
            else:
                answers += 1
            continue
        stub = Block(path, fence_line, _normal(info.strip().split(" ")[0] if info.strip() else ""), info.strip(), text)
        if end is None:
            problems.append(Finding(stub, "broken", f"the block opened here is never closed with {fence}"))
            continue
        parsed = _INFO.match(info)
        if not parsed:
            problems.append(Finding(stub, "broken", f"the renderer cannot read the fence '{fence}{info.strip()}': "
                                    "write the language, then attributes in braces, e.g. ```python {needs=\"python 3.12\"}"))
            continue
        written = parsed["lang"] or ""
        attrs: dict[str, str] = {}
        classes: list[str] = []
        for key, value in get_attrs(parsed["attrs"] or ""):
            if key == ".":
                classes.append(value)
            else:
                attrs[key] = value
        if not written and classes:
            written = classes[0]
        block = Block(path, fence_line, _normal(written), written, text, attrs)
        if not written:
            problems.append(Finding(block, "broken", "name the block's language after the fence (```text for plain text)"))
            continue
        unknown = sorted(set(attrs) - _ATTRIBUTES)
        if unknown:
            problems.append(Finding(block, "broken", f"unknown fence attribute '{unknown[0]}' (known: needs, unchecked)"))
            continue
        blocks.append(block)
    return blocks, problems, answers


def _dedent(line: str, width: int) -> str:
    taken = 0
    while taken < width and taken < len(line) and line[taken] == " ":
        taken += 1
    return line[taken:]


def _normal(lang: str) -> str:
    lang = lang.lower()
    return ALIASES.get(lang, lang)


def find_blocks(root: Path) -> tuple[list[Block], list[Finding], int]:
    """Every code block in the published files under `root`."""
    blocks: list[Block] = []
    problems: list[Finding] = []
    answers = 0
    for path in content_files(root):
        try:
            text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
            front = parse_front_matter(text)
        except (UnicodeDecodeError, FrontMatterError):
            continue  # check_content reports the file; its blocks cannot be placed
        exercise = path.relative_to(root).parts[0] == "exercises"
        found, bad, skipped = blocks_in_text(path, front.body, front.body_line, exercise=exercise)
        blocks += found
        problems += bad
        answers += skipped
    return blocks, problems, answers


# --- checking -----------------------------------------------------------------------------------

Checker = Callable[[list[Block]], list[Finding]]


def check_samples(root: Path) -> Report:
    blocks, findings, answers = find_blocks(root)
    by_lang: dict[str, list[Block]] = {}
    for block in blocks:
        skip = _skip_reason(block)
        if skip:
            findings.append(Finding(block, "skipped" if not skip.startswith("!") else "broken", skip.lstrip("!")))
            continue
        by_lang.setdefault(block.lang, []).append(block)
    missing: dict[str, str] = {}
    for lang, group in sorted(by_lang.items()):
        checker = CHECKERS.get(lang)
        if checker is None:
            reason = NOT_CHECKED.get(lang, "no parser for this language is set up in course/exercises/samples.py")
            findings += [Finding(block, "unchecked", reason) for block in group]
            continue
        try:
            findings += checker(group)
        except ToolMissing as exc:
            missing[lang] = str(exc)
            findings += [Finding(block, "skipped", str(exc)) for block in group]
    findings.sort(key=lambda f: (str(f.block.path), f.block.line))
    return Report(findings, answers, missing)


def _skip_reason(block: Block) -> str | None:
    """Why a block is not checked, from its fence; '!' marks a fence written wrong."""
    if "unchecked" in block.attrs:
        reason = block.attrs["unchecked"].strip()
        if not reason:
            return "!unchecked=\"...\" needs a reason readers of the check can judge"
        return reason
    needs = block.attrs.get("needs")
    if needs is None:
        return None
    match = _NEEDS.match(needs.strip().lower())
    if not match:
        return f"!needs=\"{needs}\" must read '<language> <version>', e.g. needs=\"python 3.12\""
    tool, wanted = match["tool"], _version(match["version"])
    if _normal(tool) != block.lang:
        return f"!needs=\"{needs}\" names {tool}, but the block is {block.written}"
    have = AVAILABLE_VERSION.get(block.lang)
    if have is None:
        return None  # parsers without versions (TypeScript, tree-sitter C#) read the newest syntax
    try:
        version = have()
    except ToolMissing:
        return None  # the checker reports the missing tool
    if version >= wanted:
        return None
    return (f"needs {_label(block.lang)} {match['version']}; this check has {'.'.join(map(str, version))}")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _label(lang: str) -> str:
    return {"python": "Python", "php": "PHP"}.get(lang, lang)


def _ok_or_broken(block: Block, problem: tuple[str, int | None] | None) -> Finding:
    if problem is None:
        return Finding(block, "ok")
    message, line = problem
    return Finding(block, "broken", message, block.at(line))


def _one_by_one(check: Callable[[Block], tuple[str, int | None] | None]) -> Checker:
    @functools.wraps(check)
    def run(blocks: list[Block]) -> list[Finding]:
        return [_ok_or_broken(block, check(block)) for block in blocks]

    return run


@_one_by_one
def check_python(block: Block):
    flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    try:
        compile(block.text, "<sample>", "exec", flags=flags, dont_inherit=True)
    except SyntaxError as exc:
        return f"{exc.msg} (Python {sys.version.split()[0]})", exc.lineno
    return None


@_one_by_one
def check_json(block: Block):
    try:
        read_json(block.text, what="JSON")
    except Unreadable as exc:
        return exc.error.message, exc.error.line
    return None


@_one_by_one
def check_yaml(block: Block):
    try:
        for _ in yaml.safe_load_all(block.text):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return f"not valid YAML: {exc.problem or exc.context}", (mark.line + 1) if mark else None
    except yaml.YAMLError as exc:
        return f"not valid YAML: {exc}", None
    return None


@_one_by_one
def check_http(block: Block):
    first = next((line.strip() for line in block.text.split("\n") if line.strip()), "")
    response = first.startswith("HTTP/")
    text, shift = block.text, 0
    if _HEADER_ONLY.match(first) and not _START_LINE.match(first):
        # Header fields alone (a Set-Cookie line, a cache policy) are read as the head of a response.
        text, shift, response = "HTTP/1.1 200 OK\n" + block.text.lstrip("\n"), 1 - _leading_blank(block.text), True
    try:
        message = parse_message(text, response=response)
    except Unreadable as exc:
        return exc.error.message, exc.error.line - shift if exc.error.line else None
    if message.json_error is not None and message.media_type.endswith("json"):
        error = message.json_error
        return error.message, (error.line - shift) if error.line else None
    grader = grader_for("http-response" if response else "http-request")
    outcome = grader.content_length(message, NoParams())
    if not outcome.passed:
        return outcome.message, (outcome.line - shift) if outcome.line else None
    return None


_START_LINE = re.compile(r"^(HTTP/\S+ +[0-9]|\S+ +\S+ +HTTP/)")
_HEADER_ONLY = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+:")


def _leading_blank(text: str) -> int:
    return len(text) - len(text.lstrip("\n"))


def check_sql(blocks: list[Block]) -> list[Finding]:
    try:
        from pglast import parser
    except ImportError:
        raise ToolMissing("PostgreSQL's parser (pglast) is not installed: run ./dev setup") from None

    def check(block: Block):
        try:
            parser.parse_sql(block.text)
        except parser.ParseError as exc:
            where = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
            line = block.text.count("\n", 0, where) + 1 if where is not None else None
            return f"{exc.args[0]} (PostgreSQL's parser)", line
        return None

    return [_ok_or_broken(block, check(block)) for block in blocks]


def check_graphql(blocks: list[Block]) -> list[Finding]:
    try:
        from graphql import GraphQLError, parse
    except ImportError:
        raise ToolMissing("graphql-core is not installed: run ./dev setup") from None

    def check(block: Block):
        try:
            parse(block.text)
        except GraphQLError as exc:
            line = exc.locations[0].line if exc.locations else None
            return exc.message, line
        return None

    return [_ok_or_broken(block, check(block)) for block in blocks]


DOCKERFILE_INSTRUCTIONS = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}


def check_dockerfile(blocks: list[Block]) -> list[Finding]:
    try:
        import dockerfile
    except ImportError:
        raise ToolMissing("Docker's parser (the dockerfile package) is not installed: run ./dev setup") from None

    def check(block: Block):
        try:
            commands = dockerfile.parse_string(block.text)
        except dockerfile.GoParseError as exc:
            return f"Docker's parser: {exc}", None
        for command in commands:
            if command.cmd.upper() not in DOCKERFILE_INSTRUCTIONS:
                return f"'{command.cmd}' is not a Dockerfile instruction", command.start_line
        return None

    return [_ok_or_broken(block, check(block)) for block in blocks]


def check_protobuf(blocks: list[Block]) -> list[Finding]:
    try:
        from antlr4.error.ErrorListener import ErrorListener
        from proto_schema_parser.parser import Parser
    except ImportError:
        raise ToolMissing("proto-schema-parser is not installed: run ./dev setup") from None

    class Stop(Exception):
        pass

    class Raise(ErrorListener):  # ANTLR recovers and prints by default; a sample must not need recovering
        def syntaxError(self, recognizer, offending, line, column, msg, e):  # noqa: N802 (ANTLR's API)
            raise Stop(msg, line)

    def listen(part) -> None:
        part.removeErrorListeners()
        part.addErrorListener(Raise())

    parser = Parser(setup_lexer=listen, setup_parser=listen)

    def check(block: Block):
        try:
            parser.parse(block.text)
        except Stop as exc:
            return f"{exc.args[0]} (Protocol Buffers grammar)", exc.args[1]
        except ValueError as exc:  # the parser's own reading of a malformed literal
            return f"{exc} (Protocol Buffers grammar)", None
        return None

    return [_ok_or_broken(block, check(block)) for block in blocks]


def check_csharp(blocks: list[Block]) -> list[Finding]:
    try:
        import tree_sitter
        import tree_sitter_c_sharp
    except ImportError:
        raise ToolMissing("tree-sitter's C# grammar is not installed: run ./dev setup") from None
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_c_sharp.language()))

    def check(block: Block):
        source = block.text.encode("utf-8")
        tree = parser.parse(source)
        if not tree.root_node.has_error:
            return None
        stack = [tree.root_node]
        while stack:  # the first ERROR or MISSING node in document order
            node = stack.pop()
            if node.is_missing:
                return f"missing '{node.type}' (tree-sitter C# grammar)", node.start_point[0] + 1
            if node.is_error:
                near = source[node.start_byte : node.end_byte].decode("utf-8", "replace").strip().split("\n")[0][:40]
                return f"syntax error near '{near}' (tree-sitter C# grammar)", node.start_point[0] + 1
            stack.extend(reversed([child for child in node.children if child.has_error or child.is_missing]))
        return "syntax error (tree-sitter C# grammar)", None

    return [_ok_or_broken(block, check(block)) for block in blocks]


def _run(args: list[str], *, stdin: str | None = None, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


@functools.cache
def php_version() -> tuple[int, ...]:
    php = shutil.which("php")
    if php is None:
        raise ToolMissing("php is not installed (on Debian: apt-get install php-cli)")
    done = _run([php, "-n", "-r", "echo PHP_VERSION;"])
    match = re.match(r"[0-9]+(\.[0-9]+)*", done.stdout.strip())
    if done.returncode != 0 or not match:
        raise ToolMissing(f"php does not run: {(done.stderr or done.stdout).strip()[:200]}")
    return _version(match.group())


_PHP_ERROR = re.compile(r"(?:PHP )?(?P<kind>Parse error|Fatal error): +(?P<message>.*?) in \S+ on line (?P<line>[0-9]+)")


def check_php(blocks: list[Block]) -> list[Finding]:
    version = php_version()
    php = shutil.which("php")
    with tempfile.TemporaryDirectory(prefix="samples-php-") as folder:
        def check(numbered: tuple[int, Block]):
            number, block = numbered
            # Samples are shown without the opening tag; php -l needs one.
            opened = block.text.lstrip().startswith("<?php")
            file = Path(folder, f"{number}.php")
            file.write_text(block.text if opened else "<?php\n" + block.text, encoding="utf-8")
            done = _run([php, "-n", "-d", "display_errors=stdout", "-d", "log_errors=0", "-l", str(file)])
            if done.returncode == 0:
                return None
            found = _PHP_ERROR.search(done.stdout + done.stderr)
            if not found:
                return f"php -l: {(done.stdout + done.stderr).strip()[:200]}", None
            line = int(found["line"]) - (0 if opened else 1)
            return f"{found['message']} (php -l, PHP {'.'.join(map(str, version))})", line

        with ThreadPoolExecutor(max_workers=2) as pool:
            problems = list(pool.map(check, enumerate(blocks)))
    return [_ok_or_broken(block, problem) for block, problem in zip(blocks, problems)]


def check_sh(blocks: list[Block]) -> list[Finding]:
    bash = shutil.which("bash")
    if bash is None:
        raise ToolMissing("bash is not installed")

    def check(block: Block):
        done = _run([bash, "-n"], stdin=block.text)
        if done.returncode == 0:
            return None
        text = done.stderr.strip().split("\n")[0]
        found = re.search(r"line ([0-9]+): (.*)", text)
        return (f"bash -n: {found[2]}", int(found[1])) if found else (f"bash -n: {text[:200]}", None)

    return [_ok_or_broken(block, check(block)) for block in blocks]


def node_modules() -> Path:
    return Path(os.environ.get("SAMPLES_NODE_MODULES", settings.BASE_DIR / ".tools" / "node" / "node_modules"))


_TS_KIND = {"ts": "ts", "tsx": "tsx", "js": "js", "jsx": "jsx", "mjs": "js", "cjs": "js"}


def check_typescript(blocks: list[Block]) -> list[Finding]:
    node = shutil.which("node")
    if node is None:
        raise ToolMissing("node is not installed, so the TypeScript parser cannot run (on Debian: apt-get install nodejs npm)")
    modules = node_modules()
    if not (modules / "typescript" / "package.json").is_file():
        raise ToolMissing(f"the TypeScript parser is not installed in {modules}: run ./dev setup (it runs npm ci there)")
    script = settings.BASE_DIR / "tools" / "node" / "parse.js"
    payload = json.dumps([{"id": i, "kind": _TS_KIND[b.lang], "text": b.text} for i, b in enumerate(blocks)])
    done = _run([node, str(script)], stdin=payload, env={"NODE_PATH": str(modules)})
    if done.returncode != 0:
        raise ToolMissing(f"the TypeScript parser failed to run: {done.stderr.strip()[-300:]}")
    answer = json.loads(done.stdout)
    findings = []
    for block, result in zip(blocks, answer["results"]):
        problems = result["problems"]
        problem = (f"{problems[0]['message']} (TypeScript {answer['version']} parser)", problems[0]["line"]) if problems else None
        findings.append(_ok_or_broken(block, problem))
    return findings


CHECKERS: dict[str, Checker] = {
    "python": check_python,
    "php": check_php,
    "ts": check_typescript, "tsx": check_typescript, "js": check_typescript, "jsx": check_typescript,
    "mjs": check_typescript, "cjs": check_typescript,
    "csharp": check_csharp,
    "json": check_json,
    "yaml": check_yaml,
    "http": check_http,
    "sql": check_sql,
    "sh": check_sh,
    "graphql": check_graphql,
    "dockerfile": check_dockerfile,
    "protobuf": check_protobuf,
}
AVAILABLE_VERSION: dict[str, Callable[[], tuple[int, ...]]] = {
    "python": lambda: tuple(sys.version_info[:3]),
    "php": php_version,
}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
