"""Hostile learner code: each attempt ends contained, within the time bound, leaving nothing behind."""

import os
import time
import uuid

import pytest

from .conftest import SUPPORT


def error_of(outcome, index=0):
    result = outcome.result["results"][index]
    assert result["ok"] is False, result
    return result["error"]


def test_a_plain_answer_runs_and_reports_what_it_returned_and_printed(run):
    outcome = run("def handle(x):\n    print('seen', x)\n    return {'twice': x * 2}\n", inputs=[21])
    assert outcome.status == "ok"
    assert outcome.result["results"] == [{"ok": True, "value": {"twice": 42}}]
    assert outcome.result["printed"] == "seen 21\n"


@pytest.mark.parametrize("code", [
    "import os\ndef handle(x):\n    return os.fork()\n",
    "import subprocess\ndef handle(x):\n    return subprocess.run(['/bin/sh', '-c', 'echo hi']).returncode\n",
    "import socket\ndef handle(x):\n    socket.create_connection(('127.0.0.1', 80), timeout=1)\n",
    "import socket\ndef handle(x):\n    return socket.socket(socket.AF_UNIX).fileno()\n",
    "import os, signal\ndef handle(x):\n    os.kill(os.getppid(), signal.SIGKILL)\n",
    "import ctypes\ndef handle(x):\n    libc = ctypes.CDLL('libc.so.6')\n    if libc.syscall(57) < 0:\n        raise PermissionError(ctypes.get_errno())\n",
])
def test_processes_sockets_and_signals_are_refused(run, code):
    outcome = run(code)
    assert outcome.status == "ok"
    error = error_of(outcome)
    assert error["type"] in ("PermissionError", "OSError", "FileNotFoundError"), error


def test_threads_cannot_be_started(run):
    error = error_of(run("import threading\ndef handle(x):\n    threading.Thread(target=print).start()\n"))
    assert error["type"] == "RuntimeError" and "thread" in error["message"]


@pytest.mark.parametrize("path", ["/etc/passwd", "/etc/hostname", "/root/.bashrc"])
def test_host_files_are_not_there(run, path):
    error = error_of(run(f"def handle(x):\n    return open({path!r}).read()\n"))
    assert error["type"] in ("FileNotFoundError", "PermissionError")


def test_the_project_settings_environment_and_site_packages_are_out_of_reach(run, settings):
    outcome = run(
        "import os, sys\n"
        "def handle(x):\n"
        "    try:\n        import django\n        has_django = True\n    except ImportError:\n        has_django = False\n"
        f"    return {{'env': sorted(os.environ), 'project': os.path.exists({str(settings.BASE_DIR / 'manage.py')!r}),\n"
        "            'django': has_django, 'cwd': os.getcwd(), 'files': os.listdir('.'), 'root': sorted(os.listdir('/'))}\n")
    value = outcome.result["results"][0]["value"]
    assert "SECRET_KEY" not in value["env"] and "DATABASE_URL" not in value["env"]
    assert not value["project"] and not value["django"]
    assert value["cwd"] == "/work" and value["files"] == []
    assert "etc" not in value["root"] and "home" not in value["root"]


def test_there_is_no_proc_so_no_process_can_be_looked_into(run):
    value = run("import os\ndef handle(x):\n    return [os.path.exists('/proc'), os.getpid(), os.getppid()]\n").result["results"][0]["value"]
    assert value == [False, 1, 0]  # the runner is process 1 of its own namespace, and there is nothing to list


@pytest.mark.parametrize("code, where", [
    ("def handle(x):\n    while True:\n        pass\n", "handler"),
    ("while True:\n    pass\n", "top level"),
])
def test_infinite_loops_are_stopped_within_the_time_bound(run, code, where):
    started = time.monotonic()
    outcome = run(code)
    assert outcome.status in ("crashed", "timeout"), where
    assert time.monotonic() - started < 4.5


def test_a_memory_bomb_fails_cleanly(run):
    error = error_of(run("def handle(x):\n    return len(bytearray(4 * 1024 ** 3))\n"))
    assert error["type"] == "MemoryError"


def test_output_floods_are_capped_and_stopped(run):
    outcome = run("import os\ndef handle(x):\n    while True:\n        os.write(1, b'x' * 65536)\n")
    assert outcome.status == "timeout"
    assert len(outcome.output) < 20_000 and "more bytes not shown" in outcome.output
    outcome = run("def handle(x):\n    for i in range(200_000):\n        print('spam', i)\n    return 1\n")
    assert outcome.status == "ok"
    assert len(outcome.result["printed"]) < 9_000 and "more characters not shown" in outcome.result["printed"]


def test_big_and_many_files_hit_the_limits_and_vanish_with_the_sandbox(run):
    marker = f"leak-{uuid.uuid4().hex}"
    error = error_of(run(f"def handle(x):\n    open('/tmp/{marker}', 'wb').write(b'x' * 10_000_000)\n"))
    assert "File too large" in error["message"] or "No space" in error["message"]
    outcome = run(
        "def handle(x):\n    n = 0\n    try:\n        for i in range(100_000):\n"
        f"            with open(f'/work/{marker}-{{i}}', 'wb') as f:\n                f.write(b'x' * 5000)\n            n += 1\n"
        "    except OSError as e:\n        return [n, e.errno]\n    return [n, None]\n")
    count, errno = outcome.result["results"][0]["value"]
    assert errno == 28 and count < 2000  # ENOSPC: the size-limited tmpfs is full
    assert not any(marker in name for name in os.listdir("/tmp"))


def test_exit_tricks_cannot_fake_a_result(run):
    fake = '{"results": [{"ok": true, "value": 42}], "printed": ""}'
    outcome = run(f"import os\ndef handle(x):\n    print({fake!r})\n    os._exit(0)\n")
    assert outcome.status in ("crashed", "bad-result") and outcome.result is None
    outcome = run("import sys\ndef handle(x):\n    sys.exit(0)\n")
    assert error_of(outcome)["type"] == "SystemExit"


def test_writing_to_the_result_pipe_can_only_claim_values_the_function_could_return_anyway(run):
    # Whatever reaches the pipe is parsed strictly as data; the parent checks its shape and compares.
    outcome = run("import os\ndef handle(x):\n    for fd in range(3, 64):\n        try:\n            os.write(fd, b'{\"results\": []}')\n"
                  "        except OSError:\n            pass\n    os._exit(0)\n")
    assert outcome.status in ("ok", "bad-result", "crashed")
    if outcome.status == "ok":
        assert outcome.result.get("results") in ([], None)


def test_hostile_objects_are_refused_as_values(run):
    result = run("class Liar:\n    def __eq__(self, other):\n        return True\ndef handle(x):\n    return Liar()\n").result["results"][0]
    assert result["ok"] is False and "Liar" in result["unreturnable"]
    result = run("class S(str):\n    pass\ndef handle(x):\n    return S('ok')\n").result["results"][0]
    assert result["ok"] is False
    result = run("def handle(x):\n    return 'x' * 10_000_000\n").result["results"][0]
    assert "limit" in result["unreturnable"]
    result = run("def handle(x):\n    return float('nan')\n").result["results"][0]
    assert result["ok"] is False


def test_an_exception_whose_str_raises_is_still_reported(run):
    error = error_of(run("class Odd(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\ndef handle(x):\n    raise Odd()\n"))
    assert error["type"] == "Odd" and "could not be shown" in error["message"]


def test_tracebacks_show_only_the_learners_own_lines(run):
    error = error_of(run("def helper(d):\n    return d['missing']\n\ndef handle(x):\n    return helper({})\n"))
    assert [frame["line"] for frame in error["frames"]] == [5, 2]
    assert error["frames"][-1]["code"] == "return d['missing']"


def test_the_reference_still_passes_after_hostile_runs(run):
    run("while True:\n    pass\n")
    run("import os\nos._exit(3)\n")
    outcome = run("def handle(x):\n    return x + 1\n", inputs=[1, 2])
    assert outcome.result["results"] == [{"ok": True, "value": 2}, {"ok": True, "value": 3}]


def test_a_forbidden_system_call_through_another_abi_kills_the_process(run):
    # x32 system call numbers are refused by seccomp's architecture check.
    outcome = run("import ctypes\ndef handle(x):\n    return ctypes.CDLL(None).syscall(57 | 0x40000000)\n")
    assert outcome.status == "crashed" and outcome.returncode in (159, -31)


def test_raising_limits_and_ignoring_sigxcpu_does_not_buy_more_time(run):
    error = error_of(run("import resource\ndef handle(x):\n    resource.setrlimit(resource.RLIMIT_CPU, (100, 100))\n"))
    assert error["type"] in ("ValueError", "PermissionError")
    started = time.monotonic()
    outcome = run("import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\ndef handle(x):\n    while True:\n        pass\n")
    assert outcome.status in ("crashed", "timeout") and time.monotonic() - started < 4.5


def test_sleeping_forever_is_stopped_at_the_wall_clock_limit(run):
    started = time.monotonic()
    assert run("import time\ndef handle(x):\n    time.sleep(60)\n").status == "timeout"
    assert time.monotonic() - started < 4.5


def test_many_concurrent_submissions_wait_or_get_busy_but_never_fail_the_rest(pool):
    import threading

    from course.sandbox.pool import Busy

    pool.queue_seconds = 0.2
    outcomes, busy = [], []

    def submit():
        try:
            outcomes.append(pool.run({"code": "import time\ndef handle(x):\n    time.sleep(0.5)\n    return x\n",
                                      "support": SUPPORT, "inputs": [7]}))
        except Busy:
            busy.append(1)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert busy, "with 2 slots and a 0.2 s queue, some of 8 slow submissions must be told to come back"
    assert outcomes and all(o.status == "ok" and o.result["results"] == [{"ok": True, "value": 7}] for o in outcomes)
    assert len(outcomes) + len(busy) == 8


def test_past_the_running_and_waiting_jobs_a_submission_is_turned_away_at_once(pool):
    """Grading never holds every request thread: the next submission gets Busy without waiting its turn."""
    import threading

    from course.sandbox.pool import Busy

    pool._admitted = threading.BoundedSemaphore(2)  # one running (max_running=2 in the fixture: keep one) + one waiting
    pool._slots = threading.BoundedSemaphore(1)
    pool.queue_seconds = 30  # were the third submission queued, it would wait past both of the others
    slow = {"code": "import time\ndef handle(x):\n    time.sleep(2)\n    return x\n", "support": SUPPORT, "inputs": [1]}
    outcomes = []
    threads = [threading.Thread(target=lambda: outcomes.append(pool.run(slow))) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while pool._admitted._value and time.monotonic() < deadline:
        time.sleep(0.01)  # until both are admitted (one running, one waiting for the slot)
    with pytest.raises(Busy):
        pool.run(slow)
    assert all(thread.is_alive() for thread in threads), "the third submission waited for the others to finish"
    for thread in threads:
        thread.join()
    assert [o.status for o in outcomes] == ["ok", "ok"]
