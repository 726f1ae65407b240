"""The program that runs inside the sandbox. Standard library only (plus pyseccomp).

Started as `python -I -S /sandbox/runner.py LIMITS RESULT_FD` under
bubblewrap; RESULT_FD is the write end of the result pipe. It locks itself down first (resource limits, then a
seccomp filter), tells the parent it is ready, and waits for one job on
stdin:

    {"code": "<learner source>", "support": "<exercise harness source>", "inputs": [...]}

The harness defines `run(answer, input)`: how to call the learner's code for
one scenario. Each scenario's outcome goes back as plain JSON on the result pipe:
    {"results": [{"ok": true, "value": ...} | {"ok": false, "error": {...}}], "printed": "..."}

Expected values never come here: the parent compares. Nothing the learner
prints reaches the result pipe; what they print is captured and returned, capped.
"""

import ctypes.util
import errno
import io
import json
import linecache
import os
import resource
import sys
import traceback
import types

PRINT_CAP = 8_000
VALUE_CAP = 200_000
LEARNER_FILE = "answer.py"

FORBIDDEN = (
    # new processes and threads
    "fork", "vfork", "clone", "clone3", "execve", "execveat",
    # the network (socketpair too: no hidden channels)
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendto", "sendmsg", "recvfrom",
    # other processes
    "ptrace", "kill", "tkill", "tgkill", "process_vm_readv", "process_vm_writev", "pidfd_open", "pidfd_send_signal",
    "pidfd_getfd", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    # the kernel and namespaces
    "mount", "umount2", "unshare", "setns", "chroot", "pivot_root", "reboot", "init_module", "finit_module",
    "delete_module", "kexec_load", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "personality", "io_uring_setup", "io_uring_enter", "io_uring_register", "setrlimit", "prlimit64",
)


def lock_down(limits: dict) -> None:
    for name, value in (("RLIMIT_CPU", limits["cpu_seconds"]), ("RLIMIT_AS", limits["memory_bytes"]),
                        ("RLIMIT_FSIZE", limits["file_bytes"]), ("RLIMIT_NOFILE", limits["open_files"]),
                        ("RLIMIT_NPROC", limits["processes"]), ("RLIMIT_CORE", 0)):
        resource.setrlimit(getattr(resource, name), (value, value))
    # pyseccomp asks ctypes.util.find_library, which would start ldconfig; name the libraries directly.
    known = {"c": "libc.so.6", "seccomp": "libseccomp.so.2"}
    ctypes.util.find_library = lambda name: known.get(name)
    sys.path.insert(0, "/sandbox/lib")
    import pyseccomp

    rules = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    for name in FORBIDDEN:
        try:
            rules.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
        except (OSError, ValueError):
            pass  # a syscall this kernel or architecture does not have
    rules.load()
    sys.path.remove("/sandbox/lib")
    del sys.modules["pyseccomp"]


class CappedText(io.TextIOBase):
    def __init__(self, cap: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.cap = cap
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = self.cap - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def value(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n… ({self.dropped:,} more characters not shown)"
        return text


def plain(value, depth=0):
    """Only JSON's own types, exactly (no subclasses that could lie about themselves)."""
    if depth > 50:
        raise ValueError("the value is nested more than 50 levels deep")
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinity are not JSON values")
        return value
    if kind in (list, tuple):
        return [plain(item, depth + 1) for item in value]
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise ValueError(f"dictionary keys must be strings, found {type(key).__name__}")
            out[key] = plain(item, depth + 1)
        return out
    raise ValueError(f"found a {kind.__name__}; return plain dicts, lists, strings, numbers, booleans or None")


def learner_traceback(exc: BaseException) -> list[dict]:
    frames = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == LEARNER_FILE:
            frames.append({"line": frame.lineno, "function": frame.name, "code": (frame.line or "")[:200]})
    return frames[-8:]


def describe(exc: BaseException) -> dict:
    try:
        message = str(exc)
    except BaseException:  # a __str__ that raises must not take the runner down
        message = "(the exception's message could not be shown)"
    return {"type": type(exc).__name__[:100], "message": message[:1000], "frames": learner_traceback(exc)}


def main() -> None:
    out = os.fdopen(int(sys.argv[2]), "w", encoding="utf-8")
    lock_down(json.loads(sys.argv[1]))
    out.write("ready\n")
    out.flush()
    job = json.loads(sys.stdin.read())
    printed = CappedText(PRINT_CAP)
    sys.stdout = sys.stderr = printed
    answer = types.ModuleType("answer")
    answer.__file__ = LEARNER_FILE
    response = {"results": [], "printed": ""}
    source = job["code"]
    # Tracebacks quote the learner's lines from here (there is no answer.py on disk).
    linecache.cache[LEARNER_FILE] = (len(source), None, source.splitlines(True), LEARNER_FILE)
    try:
        code = compile(source, LEARNER_FILE, "exec")
    except SyntaxError as exc:
        response["syntax_error"] = {"message": exc.msg, "line": exc.lineno, "column": exc.offset}
        code = None
    if code is not None:
        support: dict = {"__name__": "support"}
        exec(compile(job["support"], "support.py", "exec"), support)
        try:
            exec(code, answer.__dict__)
            loaded = True
        except BaseException as exc:  # noqa: BLE001 (SystemExit and KeyboardInterrupt are the learner's too)
            response["load_error"] = describe(exc)
            loaded = False
        for case in job["inputs"] if loaded else []:
            try:
                value = support["run"](answer, case)
            except BaseException as exc:  # noqa: BLE001
                response["results"].append({"ok": False, "error": describe(exc)})
                continue
            try:
                value = plain(value)
                size = len(json.dumps(value))
                if size > VALUE_CAP:
                    raise ValueError(f"it is {size:,} characters of JSON; the limit is {VALUE_CAP:,}")
            except (ValueError, RecursionError) as exc:
                response["results"].append({"ok": False, "unreturnable": str(exc)[:300]})
                continue
            except BaseException as exc:  # noqa: BLE001 (a hostile object's methods)
                response["results"].append({"ok": False, "unreturnable": f"it could not be read ({type(exc).__name__})"})
                continue
            response["results"].append({"ok": True, "value": value})
    response["printed"] = printed.value()
    out.write(json.dumps(response))
    out.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
