"""`./dev` on a fresh machine: the first run works without uv, and an unreachable index is said in one line."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def path_without_uv() -> str:
    """This PATH with every directory that holds a `uv` left out, as on a machine that never had it."""
    kept = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "uv").exists()]
    return os.pathsep.join(kept)


@pytest.fixture
def fresh_copy(tmp_path):
    """What a fresh clone holds that ./dev setup reads: the script, the project and its lock file."""
    for name in ("dev", "pyproject.toml", "uv.lock"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def run_dev(where: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PATH": path_without_uv(), **env}
    environ.pop("VIRTUAL_ENV", None)
    return subprocess.run(["./dev", *args], cwd=where, env=environ, capture_output=True, text=True, timeout=600)


def test_without_uv_the_first_run_installs_it_and_builds_the_environment(fresh_copy):
    assert shutil.which("uv", path=path_without_uv()) is None
    done = run_dev(fresh_copy, "setup")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # progress goes to stderr, so nothing pollutes a captured value
    assert "installing uv" in done.stderr
    assert (fresh_copy / ".tools" / "bin" / "uv").exists()
    check = subprocess.run([str(fresh_copy / ".venv" / "bin" / "python"), "-c", "import django, pytest; print(django.VERSION[:2])"],
                           capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.strip() == "(5, 2)", check.stderr


def test_an_unreachable_package_index_is_reported_in_one_line_with_what_to_do(fresh_copy):
    environ = {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_FIND_LINKS": "",
               "PIP_EXTRA_INDEX_URL": "", "PIP_RETRIES": "0", "PIP_TIMEOUT": "2", "PIP_NO_INDEX": ""}
    environ = {key: value for key, value in environ.items() if value or key == "PIP_FIND_LINKS"}
    done = run_dev(fresh_copy, "setup", **environ)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if "could not install" in line]
    assert len(lines) == 1 and "PIP_INDEX_URL" in lines[0] and "run ./dev again" in lines[0]
    assert "Traceback" not in done.stderr
    assert not (fresh_copy / ".tools").exists()  # nothing half-installed that a second run would trust
    assert (fresh_copy / ".tools-install.log").exists()
