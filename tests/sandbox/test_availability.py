"""Without confinement nothing runs; with an ordinary user it still works."""

import json
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from course.sandbox import launcher, service
from course.sandbox.launcher import SandboxUnavailable

from . import attacks


@pytest.fixture
def fresh_service():
    service.reset()
    yield service
    service.reset()


def test_without_bubblewrap_python_grading_is_refused_not_run_unconfined(fresh_service, monkeypatch, exercise):
    monkeypatch.setattr(launcher.shutil, "which", lambda name: None)
    state = fresh_service.availability()
    assert not state.available and "bubblewrap" in state.reason
    with pytest.raises(SandboxUnavailable):
        fresh_service.run_job(fresh_service.PROBE)

    from course.exercises.grading import grader_for
    from tests.exercises.graders.conftest import make_checks

    checks = make_checks("python-handler", {"id": "s", "rule": "scenario", "input": 1, "expect": 2})
    grade = grader_for("python-handler").grade("def handle(x):\n    return x + 1\n", checks,
                                               support="def run(answer, case):\n    return answer.handle(case)\n")
    assert grade.status == "error" and "Python grading is unavailable on this server" in grade.error.message


def test_without_seccomp_the_sandbox_reports_unavailable(fresh_service, monkeypatch):
    def missing():
        raise SandboxUnavailable("seccomp is not available (no libseccomp)")

    monkeypatch.setattr(launcher, "seccomp_module", missing)
    state = fresh_service.availability()
    assert not state.available and "seccomp" in state.reason


def test_a_sandbox_that_cannot_lock_itself_down_never_reports_ready(monkeypatch, tmp_path):
    broken = tmp_path / "runner.py"
    broken.write_text("import sys\nsys.exit('cannot load the seccomp filter')\n")
    monkeypatch.setattr(launcher, "RUNNER", broken)
    sandbox = launcher.Sandbox(launcher.interpreter(launcher.default_python()), launcher.Limits())
    with pytest.raises(SandboxUnavailable, match="could not be set up"):
        sandbox.wait_ready(timeout=10)


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to another user needs root; an ordinary user runs the rest of the suite")
def test_the_sandbox_works_and_holds_for_an_ordinary_user(tmp_path, settings):
    """The whole hostile suite again, with the web process as `nobody` and a canary in its environment."""
    system_python = shutil.which("python3.11") if Path("/usr/bin/python3.11").exists() else None
    assert system_python, "Debian's python3.11 is needed to run as another user"
    user = pwd.getpwnam("nobody")
    workdir = Path(tempfile.mkdtemp(prefix="sandbox-user-", dir="/tmp"))
    try:
        package = workdir / "sandboxpkg"
        package.mkdir()
        for name in ("launcher.py", "runner.py", "pool.py"):
            shutil.copy(Path(launcher.__file__).parent / name, package / name)
        (package / "__init__.py").write_text("")
        shutil.copy(launcher.seccomp_module(), workdir / "pyseccomp.py")
        shutil.copy(Path(attacks.__file__), workdir / "attacks.py")
        script = workdir / "probe.py"
        script.write_text(
            "import json, os, sys\n"
            f"sys.path[:0] = [{str(workdir)!r}]\n"
            "from sandboxpkg.launcher import Limits, Sandbox, interpreter\n"
            "import attacks\n"
            "def run(code, inputs=(None,)):\n"
            "    sandbox = Sandbox(interpreter(sys.executable), Limits())\n"
            "    sandbox.wait_ready()\n"
            "    support = 'def run(answer, case):\\n    return answer.handle(case)\\n'\n"
            "    return sandbox.run({'code': code, 'support': support, 'inputs': list(inputs)})\n"
            "plain = run('import os\\ndef handle(x):\\n    return [x * 2, os.getuid()]\\n', [21])\n"
            "print(json.dumps({'uid': os.getuid(), 'result': plain.result, 'attacks': attacks.run_all(run)}))\n")
        for path in [workdir, package, *workdir.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        environment = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", attacks.CANARY_NAME: attacks.CANARY_VALUE}
        completed = subprocess.run(["runuser", "-u", user.pw_name, "--", "/usr/bin/python3.11", str(script)],
                                   capture_output=True, text=True, timeout=120, cwd="/tmp", env=environment)
        assert completed.returncode == 0, completed.stderr
        report = json.loads(completed.stdout)
        assert report["uid"] == user.pw_uid
        assert report["result"]["results"] == [{"ok": True, "value": [42, 65534]}]
        assert attacks.problems(report["attacks"], (attacks.CANARY_VALUE, str(workdir))) == []
        assert len(report["attacks"]) == len(attacks.ATTACKS)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
