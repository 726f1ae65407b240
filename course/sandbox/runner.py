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
import operator
import os
import resource
import sys
import traceback
import types

PRINT_CAP = 8_000
VALUE_CAP = 200_000
LEARNER_FILE = "answer.py"

# The seccomp filter is an allowlist: what a pure-Python answer needs (memory, time, files in its own
# tmpfs, its own signals); everything else fails with EPERM ("not allowed in exercises"), including what
# no list of forbidden calls can foresee. No new processes or threads, no sockets, no other process,
# no SysV IPC, no device nodes, no new sessions or process groups, no kernel keys, bpf, io_uring,
# userfaultfd or perf events; no raising a limit. A call through another ABI (i386, x32) kills.
ALLOWED = (
    # files and descriptors (the only writable place is the sandbox's own bounded tmpfs)
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
    "open", "openat", "creat", "close", "close_range", "lseek", "fstat", "stat", "lstat", "newfstatat", "statx",
    "statfs", "fstatfs", "access", "faccessat", "faccessat2", "readlink", "readlinkat", "getdents", "getdents64",
    "getcwd", "chdir", "fchdir", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat",
    "renameat2", "link", "linkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat", "truncate", "ftruncate",
    "fsync", "fdatasync", "fallocate", "utime", "utimes", "utimensat", "futimesat", "umask", "dup", "dup2", "dup3",
    "fcntl", "flock", "pipe", "pipe2", "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1",
    "epoll_ctl", "epoll_wait", "epoll_pwait", "sendfile", "copy_file_range",
    # memory
    "mmap", "munmap", "mprotect", "mremap", "brk", "madvise", "msync", "mincore",
    # its own signals and timers
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait", "rt_sigsuspend",
    "sigaltstack", "pause", "alarm", "setitimer", "getitimer",
    # time
    "clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep", "times",
    # reading facts about itself
    "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid",
    "getgroups", "getpgrp", "getpgid", "getsid", "getrlimit", "getrusage", "uname", "sysinfo",
    "sched_getaffinity", "sched_yield", "sched_getparam", "sched_getscheduler", "getpriority", "getcpu",
    # the C library's own housekeeping, randomness, leaving
    "futex", "set_robust_list", "set_tid_address", "rseq", "arch_prctl", "getrandom", "exit", "exit_group",
)
# ioctl only to ask whether a descriptor is a terminal (io.open does, for every file) and how much is buffered.
IOCTL_REQUESTS = ("TCGETS", "TIOCGWINSZ", "FIONREAD", "FIOCLEX", "FIONCLEX")


def lock_down(limits: dict) -> None:
    # Learner code runs after everything the site itself does: a busy loop here never slows reading pages.
    os.nice(19)
    for name, value in (("RLIMIT_CPU", limits["cpu_seconds"]), ("RLIMIT_AS", limits["memory_bytes"]),
                        ("RLIMIT_FSIZE", limits["file_bytes"]), ("RLIMIT_NOFILE", limits["open_files"]),
                        ("RLIMIT_NPROC", limits["processes"]), ("RLIMIT_CORE", 0), ("RLIMIT_MEMLOCK", 0),
                        ("RLIMIT_MSGQUEUE", 0)):
        resource.setrlimit(getattr(resource, name), (value, value))
    # pyseccomp asks ctypes.util.find_library, which would start ldconfig; name the libraries directly.
    known = {"c": "libc.so.6", "seccomp": "libseccomp.so.2"}
    ctypes.util.find_library = lambda name: known.get(name)
    sys.path.insert(0, "/sandbox/lib")
    import pyseccomp
    import termios

    rules = pyseccomp.SyscallFilter(pyseccomp.ERRNO(errno.EPERM))
    for name in ALLOWED:
        try:
            rules.add_rule(pyseccomp.ALLOW, name)
        except (OSError, ValueError):
            pass  # a syscall this kernel or architecture does not have (open, stat… on arm64)
    for request in IOCTL_REQUESTS:
        rules.add_rule(pyseccomp.ALLOW, "ioctl", pyseccomp.Arg(1, pyseccomp.EQ, getattr(termios, request)))
    # Limits may be read, never raised: prlimit64 only with no new limit.
    rules.add_rule(pyseccomp.ALLOW, "prlimit64", pyseccomp.Arg(2, pyseccomp.EQ, 0))
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
    described = {"type": type(exc).__name__[:100], "message": message[:1000], "frames": learner_traceback(exc)}
    if refused(exc):
        described["refused"] = True
    return described


def refused(exc: BaseException) -> bool:
    """Did the sandbox itself say no (the seccomp filter's EPERM, or a thread the filter would not start)?"""
    if type(exc) is PermissionError and getattr(exc, "errno", None) == _EPERM:
        return True
    return type(exc) is RuntimeError and "can't start new thread" in str(exc)


# What the runner itself still uses after learner code has run. An answer may replace any of it
# (`json.dumps = None`, `builtins.len = …`): the runner puts it back and says what was replaced.
GUARDED_MODULES = ("builtins", "json", "json.encoder", "json.decoder", "json.scanner", "traceback", "linecache",
                   "__main__")
# From the other modules the runner needs only these, taken before any learner code exists.
_exit, _BytesIO, _ModuleType, _EPERM = os._exit, io.BytesIO, types.ModuleType, errno.EPERM
GUARDED_CLASSES = (json.JSONEncoder, json.JSONDecoder)
_MISSING = object()


class Guard:
    def __init__(self) -> None:
        self.modules = {name: sys.modules[name] for name in GUARDED_MODULES}
        self.saved = {name: dict(module.__dict__) for name, module in self.modules.items()}
        self.order = {name: (tuple(saved), tuple(saved.values())) for name, saved in self.saved.items()}
        self.classes = {cls: dict(cls.__dict__) for cls in GUARDED_CLASSES}
        self.replaced: list[str] = []

    def restore(self) -> None:
        """Put back whatever learner code replaced, and remember its name."""
        for name, module in self.modules.items():
            current, saved = module.__dict__, self.saved[name]
            keys, values = self.order[name]
            # The common case, nothing touched, checked at C speed by identity (never ==, which
            # a learner's object could answer with a lie).
            if len(current) == len(keys) and all(map(operator.is_, current, keys)) \
                    and all(map(operator.is_, current.values(), values)):
                continue
            # A new name may shadow a built-in the module's own code looks up; a submodule
            # bound on import (`import json.tool`) is no such thing.
            added = [key for key, value in current.items() if key not in saved and type(value) is not _ModuleType]
            for key in added + list(saved):
                if current.get(key, _MISSING) is not saved.get(key, _MISSING):
                    self._note(f"{name}.{key}")
                    if key in saved:
                        current[key] = saved[key]
                    else:
                        del current[key]
        for cls, saved in self.classes.items():
            for key in set(cls.__dict__) | set(saved):
                if cls.__dict__.get(key, _MISSING) is not saved.get(key, _MISSING):
                    self._note(f"json.{cls.__name__}.{key}")
                    if key in saved:
                        setattr(cls, key, saved[key])
                    else:
                        delattr(cls, key)
        if sys.modules.get("json") is not self.modules["json"]:
            self._note("sys.modules['json']")
            sys.modules["json"] = self.modules["json"]

    def _note(self, name: str) -> None:
        if name not in self.replaced and len(self.replaced) < 20:
            self.replaced.append(name)


# http-scenario: the answer is a WSGI application; the parent sends one request per line and
# reads one response per line, so the app keeps its state between steps. (In this file, not a
# module beside it: the runner is the one file of ours bound into the sandbox.)
BODY_CAP = 64 * 1024
STEP_PRINT_CAP = 2_000


def serve_wsgi(code, answer, response: dict, guard: "Guard", out) -> None:
    """Load the app, then answer requests from stdin until it closes; never returns."""
    def send(message: dict) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    if code is None:
        send(response)
        _exit(0)
    try:
        exec(code, answer.__dict__)
    except BaseException as exc:  # noqa: BLE001
        guard.restore()
        send({"load_error": describe(exc), "printed": sys.stdout.value(), **_replaced(guard)})
        _exit(0)
    guard.restore()
    app = answer.__dict__.get("app")
    if not callable(app):
        found = "nothing" if app is None else f"a {type(app).__name__}"
        send({"no_app": f"your code defines no function `app(environ, start_response)` (app is {found})",
              "printed": sys.stdout.value(), **_replaced(guard)})
        _exit(0)
    send({"loaded": True, "printed": sys.stdout.value(), **_replaced(guard)})
    while True:
        line = sys.stdin.readline()
        if not line:
            _exit(0)
        request = json.loads(line)
        printed = CappedText(STEP_PRINT_CAP)
        sys.stdout = sys.stderr = printed
        try:
            message = call_app(app, request, printed)
        except BaseException as exc:  # noqa: BLE001 (the learner's exception becomes this step's 500)
            message = {"error": describe(exc)}
        guard.restore()
        message["printed"] = printed.value()
        send(message | _replaced(guard))


def _replaced(guard: "Guard") -> dict:
    return {"replaced": guard.replaced} if guard.replaced else {}


def call_app(app, request: dict, errors) -> dict:
    """One WSGI call (PEP 3333), its status line, headers and body checked as a server would."""
    body = request["body"].encode("latin-1")
    environ = {
        "REQUEST_METHOD": request["method"], "SCRIPT_NAME": "", "PATH_INFO": request["path"],
        "QUERY_STRING": request["query"], "SERVER_NAME": "api.example", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "192.0.2.10",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": _BytesIO(body), "wsgi.errors": errors,
        "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
    }
    for name, value in request["headers"]:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    if body and "CONTENT_LENGTH" not in environ:
        environ["CONTENT_LENGTH"] = str(len(body))
    started: list = []
    written: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        if started and not exc_info:
            raise RuntimeError("start_response was called twice without exc_info")
        started[:] = [status, headers]
        return written.append

    result = app(environ, start_response)
    size, truncated = sum(len(part) for part in written), False
    try:
        for part in result:
            if type(part) is not bytes:
                return {"invalid": f"the app's body must be an iterable of bytes; it gave a {type(part).__name__}"}
            if size < BODY_CAP:
                written.append(part)
            size += len(part)
            truncated = truncated or size > BODY_CAP
    finally:
        close = getattr(result, "close", None)
        if callable(close):
            close()
    if not started:
        return {"invalid": "the app returned without calling start_response(status, headers)"}
    status, headers = started
    if type(status) is not str or len(status) < 4 or not status[:3].isascii() or not status[:3].isdigit() or status[3] != " ":
        return {"invalid": f"the status must be text such as '200 OK'; the app gave {status!r:.80}"}
    if type(headers) is not list or not all(type(pair) is tuple and len(pair) == 2 and type(pair[0]) is str
                                            and type(pair[1]) is str for pair in headers):
        return {"invalid": "the headers must be a list of (name, value) tuples of text, as PEP 3333 asks"}
    data = b"".join(written)[:BODY_CAP]
    return {"status": status[:200], "headers": [[name[:200], value[:2000]] for name, value in headers[:100]],
            "body": data.decode("latin-1"), "size": size, "truncated": truncated}


def main() -> None:
    out = os.fdopen(int(sys.argv[2]), "w", encoding="utf-8")
    limits = json.loads(sys.argv[1])
    lock_down(limits)
    out.write("ready\n")
    out.flush()
    job = json.loads(sys.stdin.readline())
    printed = CappedText(PRINT_CAP)
    sys.stdout = sys.stderr = printed
    answer = types.ModuleType("answer")
    answer.__file__ = LEARNER_FILE
    response = {"results": [], "printed": ""}
    # The parent refuses anything longer than result_bytes: stay well inside it, saying which value overflowed.
    room = max(limits.get("result_bytes", 1024 * 1024) - 2 * PRINT_CAP - 8_192, 0)
    source = job["code"]
    # Tracebacks quote the learner's lines from here (there is no answer.py on disk).
    linecache.cache[LEARNER_FILE] = (len(source), None, source.splitlines(True), LEARNER_FILE)
    try:
        code = compile(source, LEARNER_FILE, "exec")
    except SyntaxError as exc:
        response["syntax_error"] = {"message": exc.msg, "line": exc.lineno, "column": exc.offset}
        code = None
    guard = Guard()
    if job.get("mode") == "wsgi":
        serve_wsgi(code, answer, response, guard, out)
    if code is not None:
        support: dict = {"__name__": "support"}
        exec(compile(job["support"], "support.py", "exec"), support)
        try:
            exec(code, answer.__dict__)
            loaded = True
        except BaseException as exc:  # noqa: BLE001 (SystemExit and KeyboardInterrupt are the learner's too)
            guard.restore()
            response["load_error"] = describe(exc)
            loaded = False
        guard.restore()
        for case in job["inputs"] if loaded else []:
            try:
                value = support["run"](answer, case)
            except BaseException as exc:  # noqa: BLE001
                guard.restore()
                response["results"].append({"ok": False, "error": describe(exc)})
                continue
            guard.restore()
            try:
                value = plain(value)
                size = len(json.dumps(value))
                if size > VALUE_CAP:
                    raise ValueError(f"it is {size:,} characters of JSON; the limit is {VALUE_CAP:,}")
                if size > room:
                    raise ValueError(f"it is {size:,} characters of JSON, and with the values before it that is more "
                                     f"than the {limits.get('result_bytes', 0) // 1024:,} KiB one submission may return")
                room -= size
            except (ValueError, RecursionError) as exc:
                response["results"].append({"ok": False, "unreturnable": str(exc)[:300]})
                continue
            except BaseException as exc:  # noqa: BLE001 (a hostile object's methods)
                response["results"].append({"ok": False, "unreturnable": f"it could not be read ({type(exc).__name__})"})
                continue
            response["results"].append({"ok": True, "value": value})
    if guard.replaced:
        response["replaced"] = guard.replaced
    response["printed"] = printed.value()
    out.write(json.dumps(response))
    out.flush()
    _exit(0)


if __name__ == "__main__":
    main()
