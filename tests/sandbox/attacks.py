"""The hostile learner's playbook: one attack per class in docs/security.md, and what must come of it.

Plain Python with no pytest or Django in it: the same list runs in the test process (as root in CI)
and, through `probe_as_user.py`, as an ordinary user. Each attack is learner code; `verdict` reads
the outcome (as a plain dict) and returns what is wrong with it, or "" when the sandbox held.

Every outcome is also searched for the canary secret put in the web process's environment and for
the host paths learner code must never learn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

CANARY_NAME = "API_ARCHITECT_CANARY"
CANARY_VALUE = "canary-3c1e0f5b-never-in-a-grade"

# Written so each one is a whole submission: `handle(x)` returns what the attacker could see.
PROBE = '''
import os, sys, errno
def attempt(action):
    try:
        return ["ok", action()]
    except BaseException as exc:
        return [type(exc).__name__, getattr(exc, "errno", None)]
'''


@dataclass(frozen=True)
class Attack:
    name: str
    code: str
    verdict: Callable[[dict], str]
    inputs: tuple = (None,)


def _value(outcome: dict):
    results = (outcome.get("result") or {}).get("results") or []
    if outcome.get("status") != "ok" or not results or results[0].get("ok") is not True:
        raise AssertionError(f"the probe did not return a value: {json.dumps(outcome)[:600]}")
    return results[0]["value"]


def _error(outcome: dict) -> dict:
    results = (outcome.get("result") or {}).get("results") or []
    if outcome.get("status") != "ok" or not results or results[0].get("ok") is not False or "error" not in results[0]:
        raise AssertionError(f"expected the answer to raise: {json.dumps(outcome)[:600]}")
    return results[0]["error"]


def _all_refused(outcome: dict) -> str:
    """Every action the probe tried was refused with EPERM (the seccomp allowlist's answer)."""
    found = {name: result for name, result in _value(outcome).items() if result != ["PermissionError", 1]}
    return f"not refused with EPERM: {found}" if found else ""


def _no_proc(outcome: dict) -> str:
    found = {name: result for name, result in _value(outcome).items() if result[0] != "FileNotFoundError"}
    return f"readable: {found}" if found else ""


def _environment(outcome: dict) -> str:
    env = _value(outcome)
    extra = set(env) - {"LANG", "PWD", "LD_LIBRARY_PATH"}
    return f"unexpected variables: {sorted(extra)}" if extra else ""


def _paths(outcome: dict) -> str:
    value = _value(outcome)
    outside = [path for path in value if not (path.startswith("/sandbox/") or path in ("answer.py", "support.py"))]
    return f"paths outside /sandbox: {outside}" if outside else ""


def _devices(outcome: dict) -> str:
    nodes, shm = _value(outcome)
    if nodes != ["null", "urandom", "zero"]:
        return f"/dev holds {nodes}"
    return "" if shm[0] in ("FileNotFoundError", "OSError", "PermissionError") else f"/dev/shm took a write: {shm}"


def _total_write(limit: int) -> Callable[[dict], str]:
    def verdict(outcome: dict) -> str:
        written, places = _value(outcome)
        if written > limit:
            return f"{written:,} bytes written in all, past the {limit:,}-byte cap"
        return "" if places else "nothing could be written at all"
    return verdict


def _replaced(*names: str) -> Callable[[dict], str]:
    def verdict(outcome: dict) -> str:
        replaced = (outcome.get("result") or {}).get("replaced") or []
        missing = [name for name in names if name not in replaced]
        return f"replacement of {missing} not reported (reported: {replaced})" if missing else ""
    return verdict


def _too_big_fast(outcome: dict) -> str:
    if outcome.get("status") != "too-big":
        return f"status {outcome.get('status')!r}, expected 'too-big'"
    return "" if outcome.get("seconds", 99) < 2.5 else f"took {outcome['seconds']:.1f} s: it waited for the deadline"


def _refused_error(outcome: dict) -> str:
    error = _error(outcome)
    return "" if error.get("refused") is True else f"not marked as refused by the sandbox: {error}"


def _unreturnable_total(outcome: dict) -> str:
    results = outcome["result"]["results"]
    late = [item for item in results if item.get("ok") is False and "one submission may return" in item.get("unreturnable", "")]
    return "" if late and outcome.get("status") == "ok" else f"no value was refused for the total: {json.dumps(outcome)[:400]}"


TMP_BYTES = 4 * 1024 * 1024

ATTACKS = [
    Attack("the-environment-of-process-1-and-of-itself", PROBE + '''
def handle(x):
    return {name: attempt(lambda name=name: open(name, "rb").read().decode("latin-1"))
            for name in ("/proc/1/environ", "/proc/self/environ", "/proc/1/cmdline", "/proc/self/mountinfo",
                         "/proc/self/maps", "/proc/1/mem", "/proc/self/mem", "/sys/kernel/hostname")}
''', _no_proc),
    Attack("the-variables-it-was-started-with", "import os\ndef handle(x):\n    return dict(os.environ)\n", _environment),
    Attack("the-host-name", "import os, socket\ndef handle(x):\n    return [os.uname().nodename, socket.gethostname()]\n",
           lambda outcome: "" if _value(outcome) == ["sandbox", "sandbox"] else f"the host's name: {_value(outcome)}"),
    Attack("module-files-sys-path-and-the-interpreter", '''
import os, sys, json, traceback
def handle(x):
    try:
        json.loads("{")
    except ValueError:
        frames = [frame.filename for frame in traceback.extract_tb(sys.exc_info()[2])]
    return sorted({*sys.path, sys.executable, sys.prefix, sys.exec_prefix, os.__file__, json.__file__,
                   os.path.realpath(sys.executable), *frames, *[m.__file__ for m in list(sys.modules.values())
                   if getattr(m, "__file__", None)]})
''', _paths),
    Attack("devices-and-shared-memory", PROBE + '''
def handle(x):
    return [sorted(os.listdir("/dev")), attempt(lambda: open("/dev/shm/fill", "wb").write(b"x" * 4096))]
''', _devices),
    Attack("filling-every-writable-place", '''
import os
def handle(x):
    written, places = 0, []
    for n, place in enumerate(("/work", "/tmp", "/dev/shm", "/", "/sandbox", "/usr/lib")):
        for i in range(12):
            try:
                with open(f"{place}/fill-{n}-{i}", "wb") as f:
                    for _ in range(16):
                        f.write(b"x" * 65536)
                        f.flush()
                        written += 65536
                places.append(place)
            except OSError:
                break
    return [written, sorted(set(places))]
''', _total_write(TMP_BYTES)),
    Attack("system-calls-no-list-of-forbidden-ones-foresaw", PROBE + '''
import ctypes, stat
libc = ctypes.CDLL(None, use_errno=True)
def syscall(number, *args):
    def call():
        if libc.syscall(number, *args) == -1:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code)) if code != errno.EPERM else PermissionError(code, "refused")
        return "allowed"
    return call
def handle(x):
    return {
        "mknod a fifo": attempt(lambda: os.mkfifo("/work/fifo")),
        "mknod a device": attempt(lambda: os.mknod("/work/dev", stat.S_IFCHR | 0o600, os.makedev(1, 3))),
        "setsid": attempt(os.setsid), "setpgid": attempt(lambda: os.setpgid(0, 0)),
        "memfd_create": attempt(lambda: os.memfd_create("x")),
        "shmget": attempt(syscall(29, 0, 4096, 0o1000 | 0o600)), "msgget": attempt(syscall(68, 0, 0o1000)),
        "semget": attempt(syscall(64, 0, 1, 0o1000)),
        "keyctl": attempt(syscall(250, 0, 0)), "add_key": attempt(syscall(248, 0, 0, 0, 0, 0)),
        "bpf": attempt(syscall(321, 0, 0, 0)), "userfaultfd": attempt(syscall(323, 0)),
        "io_uring_setup": attempt(syscall(425, 1, 0)), "perf_event_open": attempt(syscall(298, 0, 0, -1, -1, 0)),
        "a system call from after this kernel": attempt(syscall(600)),
        "setpriority": attempt(lambda: os.setpriority(os.PRIO_PROCESS, 0, 0)),
        "ptrace": attempt(syscall(101, 0, 0, 0, 0)), "unshare": attempt(syscall(272, 0x10000000)),
        "clone a process": attempt(os.fork), "a socket": attempt(lambda: __import__("socket").socket()),
        "raise a limit": attempt(syscall(302, 0, 7, ctypes.byref((ctypes.c_ulong * 2)(64, 64)), 0)),
        "sched_setaffinity": attempt(syscall(203, 0, 8, ctypes.byref(ctypes.c_ulong(1)))),
        "prctl": attempt(syscall(157, 15, ctypes.c_char_p(b"x"))),
    }
''', _all_refused),
    Attack("a-refused-call-reads-as-refused", "import os\ndef handle(x):\n    os.setsid()\n", _refused_error),
    Attack("results-past-the-limit-straight-into-the-pipe", '''
import os, sys
def handle(x):
    fd = int(sys.argv[2])
    while True:
        os.write(fd, b"[" * 65536)
''', _too_big_fast),
    Attack("results-past-the-limit-as-values", "def handle(x):\n    return 'y' * 190_000\n", _unreturnable_total,
           inputs=tuple(range(8))),
    Attack("replacing-what-the-runner-needs", '''
import json, builtins, os, traceback
json.dumps = None
builtins.len = lambda value: 0
traceback.extract_tb = print
os._exit = print  # the runner took its own reference before any learner code ran
def handle(x):
    return x
''', _replaced("json.dumps", "builtins.len", "traceback.extract_tb")),
    Attack("replacing-the-encoder-while-a-scenario-runs", '''
import json
def handle(x):
    json.JSONEncoder.encode = lambda self, value: "{}"
    return x
''', _replaced("json.JSONEncoder.encode")),
]


def run_all(run: Callable) -> dict[str, dict]:
    """Run every attack through `run(code, inputs) -> Outcome`; return the outcomes by name, as dicts."""
    return {attack.name: as_dict(run(attack.code, attack.inputs)) for attack in ATTACKS}


def as_dict(outcome) -> dict:
    """A launcher Outcome as the plain dict the verdicts read (what the unprivileged probe prints too)."""
    return {"status": outcome.status, "result": outcome.result, "output": outcome.output,
            "returncode": outcome.returncode, "seconds": outcome.seconds}


def problems(outcomes: dict[str, dict], forbidden: tuple[str, ...]) -> list[str]:
    """What went wrong, attack by attack: a failed verdict, or a forbidden string in what came back."""
    found = []
    for attack in [attack for attack in ATTACKS if attack.name in outcomes]:
        outcome = outcomes[attack.name]
        try:
            verdict = attack.verdict(outcome)
        except AssertionError as exc:
            verdict = str(exc)
        if verdict:
            found.append(f"{attack.name}: {verdict}")
        text = json.dumps(outcome)
        for secret in forbidden:
            if secret and secret in text:
                found.append(f"{attack.name}: {secret!r} reached the outcome")
    return found
