"""The shape of the code: which app may import which, and imports at the top of modules."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "course"
# What each app may import from course.* (besides itself). content is the ground floor; operations
# sits beside every app and reads only content; apps above plug into both through registries.
# (docs/architecture.md draws the same graph.)
ALLOWED = {
    "content": set(),
    "operations": {"content"},
    "sandbox": {"operations"},
    "progress": {"content", "operations"},
    "exercises": {"content", "operations", "progress", "sandbox"},
    "catalogue": {"content", "exercises", "operations", "progress", "preferences"},
    "accounts": {"operations", "progress"},
    "preferences": {"accounts", "content", "operations"},
    "settings": {"operations"},
    # The JSON API reads and writes through the other apps' selectors and services; nothing imports it but urls.
    "api": {"content", "exercises", "operations", "progress", "sandbox"},
}


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def course_imports(tree: ast.AST, package: str) -> list[tuple[str, int, bool]]:
    """(imported course module, line, at module top level?) for every import of a course.* module."""
    found = []
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            names = [name]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith("course."):
                found.append((name, node.lineno, id(node) in top))
    return found


@pytest.mark.parametrize("path", list(modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_of_course_modules_are_at_the_top_and_point_down(path):
    relative = path.relative_to(ROOT)
    app = relative.parts[0]
    package = ".".join(("course",) + relative.parts[:-1]) if relative.name != "__init__.py" else ".".join(("course",) + relative.parts[:-1])
    tree = ast.parse(path.read_text(), str(path))
    for name, line, at_top in course_imports(tree, package):
        target = name.split(".")[1] if name.count(".") else ""
        if not at_top:
            # AppConfig.ready is where an app plugs into the registries, as Django's own apps do.
            assert relative.name == "apps.py", f"{relative}:{line} imports {name} inside a function"
        if name == "course.progress.models":  # progress owns Attempt and ModuleRead: others go through its services
            assert app == "progress", f"{relative}:{line} imports progress's models"
        if app in ALLOWED and target != app:
            assert target in ALLOWED[app], f"{relative}:{line}: {app} must not import {name}"


@pytest.mark.parametrize("path", [p for p in modules() if p.name in ("services.py", "selectors.py")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_services_and_selectors_take_learners_not_requests(path):
    """A view resolves the learner once (course.progress.learners.learner_of) and passes it on."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef):
            names = [arg.arg for arg in node.args.args + node.args.kwonlyargs]
            assert "request" not in names, f"{path.relative_to(ROOT)}: {node.name}() takes the request"


@pytest.mark.parametrize("path", [p for p in modules() if p.name in ("services.py", "selectors.py")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_public_services_and_selectors_take_keyword_arguments_only(path):
    helpers = {"storable", "module_sections"}  # pure functions of one value, not services
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.name not in helpers:
            assert not node.args.args, f"{path.relative_to(ROOT)}: {node.name}() takes positional arguments"


def test_nothing_but_the_url_configuration_imports_the_api():
    for path in modules():
        relative = path.relative_to(ROOT)
        if relative.parts[0] == "api" or relative == Path("urls.py"):
            continue
        package = ".".join(("course",) + relative.parts[:-1])
        for name, line, _ in course_imports(ast.parse(path.read_text()), package):
            assert not name.startswith("course.api"), f"{relative}:{line} imports {name}"
