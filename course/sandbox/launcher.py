"""Start confined Python processes and talk to them. No Django here.

Confinement, from well-kept parts (docs/security.md states the threat model):
- bubblewrap (`bwrap`), started with an empty environment: new user, PID,
  network, IPC, UTS, cgroup and mount namespaces; no further user
  namespaces; all capabilities dropped; the sandbox dies with its parent.
  The runner is process 1 of its PID namespace (`--as-pid-1`), so no
  process in there lives outside the runner's seccomp filter and rlimits.
- A minimal, read-only filesystem: the system libraries, the interpreter
  and its standard library (site-packages masked), the runner itself;
  /dev holds null, zero and urandom only; there is no /proc and no /sys, so
  nothing shows mount sources, command lines or another process's memory.
- One size-limited tmpfs is all learner code can write: it is the working
  directory, and /tmp points into it, so one cap (`Limits.tmp_bytes`)
  bounds everything written.
- `resource` limits, a low CPU priority and an allowlist seccomp filter
  (pyseccomp), set by the runner before it reads any learner code.
- A wall-clock deadline here: past it the whole process group is killed.

If any part cannot be set up, the sandbox never reports ready and nothing
is run: there is no unconfined fallback.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "runner.py"


class SandboxUnavailable(RuntimeError):
    """Confinement cannot be set up on this host; learner code must not run."""


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 2
    wall_seconds: float = 3.0
    memory_bytes: int = 512 * 1024 * 1024
    file_bytes: int = 1024 * 1024
    open_files: int = 32
    processes: int = 16
    tmp_bytes: int = 4 * 1024 * 1024
    output_bytes: int = 16 * 1024
    result_bytes: int = 1024 * 1024

    def for_runner(self) -> str:
        return json.dumps({key: value for key, value in asdict(self).items()
                           if key in ("cpu_seconds", "memory_bytes", "file_bytes", "open_files", "processes", "result_bytes")})


@dataclass(frozen=True)
class Interpreter:
    executable: str
    stdlib: str
    libpython: str | None  # the shared libpython the binary loads, if any


@lru_cache(maxsize=4)
def interpreter(executable: str) -> Interpreter:
    """Where an interpreter keeps its standard library and libpython (asked once)."""
    probe = ("import json, sysconfig, sys; v = sysconfig.get_config_var; "
             "print(json.dumps([sysconfig.get_paths()['stdlib'], v('Py_ENABLE_SHARED'), v('LIBDIR'), v('INSTSONAME')]))")
    try:
        out = subprocess.run([executable, "-I", "-S", "-c", probe], capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise SandboxUnavailable(f"the sandbox interpreter {executable} cannot be started: {exc}") from None
    stdlib, shared, libdir, soname = json.loads(out)
    libpython = str(Path(libdir) / soname) if shared and libdir and soname and (Path(libdir) / soname).exists() else None
    return Interpreter(str(Path(executable).resolve()), stdlib, libpython)


@lru_cache(maxsize=1)
def seccomp_module() -> str:
    """The pyseccomp module file, bound read-only into every sandbox."""
    try:
        import pyseccomp
    except (ImportError, OSError) as exc:  # OSError: libseccomp itself is missing
        raise SandboxUnavailable(f"seccomp is not available ({exc}); install libseccomp2 and pyseccomp") from None
    return str(Path(pyseccomp.__file__).resolve())


def bwrap_path() -> str:
    found = shutil.which("bwrap")
    if not found:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed; apt-get install bubblewrap")
    return found


def command(python: Interpreter, limits: Limits, result_fd: int, info_fd: int) -> list[str]:
    """The bwrap command line that starts one confined runner."""
    prefix = "/sandbox/python"
    version_dir = Path(python.stdlib).name  # "python3.11"
    args = [
        bwrap_path(),
        "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--as-pid-1",
        "--clearenv", "--setenv", "LANG", "C.UTF-8", "--cap-drop", "ALL", "--hostname", "sandbox",
        "--info-fd", str(info_fd),
        "--uid", "65534", "--gid", "65534",
        "--ro-bind", "/usr/lib", "/usr/lib",
        "--symlink", "usr/lib", "/lib",
    ]
    if Path("/usr/lib64").is_dir():
        args += ["--ro-bind", "/usr/lib64", "/usr/lib64", "--symlink", "usr/lib64", "/lib64"]
    # Only the standard library may be read: mask the places packages live.
    for masked in ("/usr/lib/python3/dist-packages", f"/usr/lib/{version_dir}/dist-packages", f"/usr/lib/{version_dir}/site-packages"):
        if Path(masked).is_dir():
            args += ["--tmpfs", masked]
    args += [
        "--ro-bind", python.executable, f"{prefix}/bin/python3",
        "--ro-bind", python.stdlib, f"{prefix}/lib/{version_dir}",
    ]
    for packages in ("site-packages", "dist-packages"):
        if (Path(python.stdlib) / packages).is_dir():
            args += ["--tmpfs", f"{prefix}/lib/{version_dir}/{packages}"]
    if python.libpython:
        # At a sandbox path, not its host one (a home directory, often); the loader finds it
        # through LD_LIBRARY_PATH, which is searched before the binary's RUNPATH.
        args += ["--ro-bind", python.libpython, f"{prefix}/lib/{Path(python.libpython).name}",
                 "--setenv", "LD_LIBRARY_PATH", f"{prefix}/lib"]
    args += ["--ro-bind", str(RUNNER), "/sandbox/runner.py", "--ro-bind", seccomp_module(), "/sandbox/lib/pyseccomp.py"]
    # Three device nodes, nothing else: no /dev/shm, no ptys, no /proc or /sys at all.
    for node in ("null", "zero", "urandom"):
        args += ["--dev-bind", f"/dev/{node}", f"/dev/{node}"]
    args += [
        # The one place learner code can write, bounded as a whole; /tmp is inside it.
        "--size", str(limits.tmp_bytes), "--perms", "0700", "--tmpfs", "/work",
        "--symlink", "/work", "/tmp",
        "--remount-ro", "/",
        "--chdir", "/work",
        f"{prefix}/bin/python3", "-I", "-S", "-B", "-X", "utf8", "/sandbox/runner.py", limits.for_runner(), str(result_fd),
    ]
    return args


@dataclass
class Outcome:
    """What came back from one job, before anyone interprets it."""

    status: str  # "ok", "timeout", "crashed" (killed by a signal or exited early), "too-big", "bad-result"
    result: dict | None = None
    output: str = ""  # anything written straight to the process's stdout/stderr, capped
    returncode: int | None = None
    seconds: float = 0.0
    detail: str = ""


class Stopped(Exception):
    """A conversation ended because the process could not answer (timeout, crash, too much)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.status)
        self.outcome = outcome


class Sandbox:
    """One started, locked-down runner waiting for a job. Used once."""

    def __init__(self, python: Interpreter, limits: Limits) -> None:
        self.limits = limits
        read_end, write_end = os.pipe()
        info_read, info_write = os.pipe()
        self.result_fd = read_end
        self.child_pid: int | None = None  # the sandbox's PID-namespace init, as the host sees it
        try:
            # bwrap hands inherited descriptors on to the runner; it is told which one is the result pipe.
            self.process = subprocess.Popen(
                command(python, limits, write_end, info_write),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(write_end, info_write), start_new_session=True,
                env={},  # bwrap's own environment: nothing of the web process's (its secrets) reaches it
            )
        finally:
            os.close(write_end)
            os.close(info_write)
        self._info_fd = info_read
        self._buffer = b""

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Block until the runner has locked itself down, or raise SandboxUnavailable."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not _readable(self.result_fd, remaining):
                break
            chunk = os.read(self.result_fd, 4096)
            if not chunk:
                break
            self._buffer += chunk
        self._read_info()
        line, _, rest = self._buffer.partition(b"\n")
        if line != b"ready":
            output = self._drain_output()
            self.kill()
            raise SandboxUnavailable("the sandbox could not be set up: " + (output.strip()[-500:] or "it exited before it was ready"))
        self._buffer = rest

    def run(self, job: dict) -> Outcome:
        """Send one job and collect the result; never longer than the wall-clock limit."""
        started = time.monotonic()
        deadline = started + self.limits.wall_seconds
        try:
            self.process.stdin.write(json.dumps(job).encode("utf-8"))
            self.process.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        result = bytearray(self._buffer)
        output = bytearray()
        dropped = 0
        streams = {self.result_fd: "result", self.process.stdout.fileno(): "output"}
        selector = selectors.DefaultSelector()
        for fd, name in streams.items():
            selector.register(fd, selectors.EVENT_READ, name)
        timed_out = too_big = False
        try:
            while selector.get_map():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                for key, _ in selector.select(remaining):
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        selector.unregister(key.fd)
                    elif key.data == "result":
                        result += chunk
                        if len(result) > self.limits.result_bytes:
                            too_big = True  # stop here: waiting on would only turn this into a timeout
                    else:
                        room = self.limits.output_bytes - len(output)
                        output += chunk[:max(room, 0)]
                        dropped += max(0, len(chunk) - max(room, 0))
                if too_big:
                    break
        finally:
            selector.close()
            self.kill()
        seconds = time.monotonic() - started
        text = output.decode("utf-8", "replace") + (f"\n… ({dropped:,} more bytes not shown)" if dropped else "")
        code = self.process.returncode
        if timed_out:
            return Outcome("timeout", output=text, returncode=code, seconds=seconds)
        if too_big:
            return Outcome("too-big", output=text, returncode=code, seconds=seconds,
                           detail=f"more than {self.limits.result_bytes // 1024:,} KiB of results")
        try:
            parsed = json.loads(bytes(result).decode("utf-8"), parse_constant=_reject_constant,
                                object_pairs_hook=_no_duplicate_keys)
        except (ValueError, UnicodeDecodeError):
            status = "crashed" if code != 0 or not result else "bad-result"
            return Outcome(status, output=text, returncode=code, seconds=seconds, detail="no readable result")
        if not isinstance(parsed, dict):
            return Outcome("bad-result", output=text, returncode=code, seconds=seconds, detail="the result is not an object")
        return Outcome("ok", parsed, text, code, seconds)

    # A conversation (http-scenario): one job, then one request line and one answer line at a time,
    # all within one wall-clock limit. The process keeps its state between lines.
    def begin(self, job: dict) -> None:
        """Send the job without closing stdin; answers come one line per `ask`."""
        self._deadline = time.monotonic() + self.limits.wall_seconds
        self._output = bytearray()
        self._dropped = 0
        self._write_line(job)

    def ask(self, message: dict | None = None) -> dict:
        """Send `message` (if any) and read the next line back; raise Stopped when the process cannot answer."""
        if message is not None:
            self._write_line(message)
        streams = {self.result_fd: "result", self.process.stdout.fileno(): "output"}
        with selectors.DefaultSelector() as selector:
            for fd, name in streams.items():
                selector.register(fd, selectors.EVENT_READ, name)
            while b"\n" not in self._buffer:
                remaining = self._deadline - time.monotonic()
                if remaining <= 0:
                    raise Stopped(self._stop("timeout"))
                for key, _ in selector.select(remaining):
                    chunk = os.read(key.fd, 65536)
                    if key.data == "output":
                        if not chunk:
                            selector.unregister(key.fd)
                            continue
                        room = max(self.limits.output_bytes - len(self._output), 0)
                        self._output += chunk[:room]
                        self._dropped += max(0, len(chunk) - room)
                    elif not chunk:
                        raise Stopped(self._stop("crashed", "no readable answer"))
                    else:
                        self._buffer += chunk
                        if len(self._buffer) > self.limits.result_bytes:
                            raise Stopped(self._stop("too-big", f"more than {self.limits.result_bytes // 1024:,} KiB of results"))
        line, _, self._buffer = bytes(self._buffer).partition(b"\n")
        try:
            parsed = json.loads(line.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
        except (ValueError, UnicodeDecodeError):
            raise Stopped(self._stop("bad-result", "an unreadable answer")) from None
        if not isinstance(parsed, dict):
            raise Stopped(self._stop("bad-result", "the answer is not an object"))
        return parsed

    @property
    def output(self) -> str:
        """What the process wrote straight to its stdout/stderr so far, capped."""
        text = bytes(self._output).decode("utf-8", "replace")
        return text + (f"\n… ({self._dropped:,} more bytes not shown)" if self._dropped else "")

    def _write_line(self, message: dict) -> None:
        try:
            self.process.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # it has gone; reading says how

    def _stop(self, status: str, detail: str = "") -> Outcome:
        seconds = self.limits.wall_seconds - max(self._deadline - time.monotonic(), 0)
        self.kill()
        return Outcome(status, output=self.output, returncode=self.process.returncode, seconds=seconds, detail=detail)

    def _read_info(self) -> None:
        # bwrap reports the host PID of the sandbox's init before it runs the runner.
        try:
            if _readable(self._info_fd, 2.0):
                info = json.loads(os.read(self._info_fd, 4096).decode() or "{}")
                self.child_pid = int(info.get("child-pid")) if info.get("child-pid") else None
        except (OSError, ValueError):
            self.child_pid = None
        finally:
            os.close(self._info_fd)
            self._info_fd = -1

    def kill(self) -> None:
        """Kill the sandbox and everything in it, and wait until it is all gone."""
        if self._info_fd != -1:
            os.close(self._info_fd)
            self._info_fd = -1
        # Killing the namespace's init takes every process inside with it. Only
        # while it is still our bwrap's child: a recycled PID is someone else's.
        if self.child_pid and _parent_of(self.child_pid) == self.process.pid:
            try:
                os.kill(self.child_pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - the kernel owes us this
            pass
        if self.child_pid and _parent_of(self.child_pid) in (self.process.pid, 1, None):
            _wait_gone(self.child_pid, timeout=2.0)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            os.close(self.result_fd)
        except OSError:
            pass
        self.result_fd = -1

    def _drain_output(self) -> str:
        try:
            if _readable(self.process.stdout.fileno(), 1.0):
                return os.read(self.process.stdout.fileno(), 65536).decode("utf-8", "replace")
        except OSError:
            pass
        return ""


def _parent_of(pid: int) -> int | None:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _wait_gone(pid: int, timeout: float) -> None:
    """Wait (briefly) until `pid` has left the process table; it is not our child, so poll /proc."""
    deadline = time.monotonic() + timeout
    stat = Path("/proc") / str(pid) / "stat"
    while time.monotonic() < deadline:
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.002)


def _readable(fd: int, timeout: float) -> bool:
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        return bool(selector.select(timeout))


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed")


def _no_duplicate_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def default_python() -> str:
    return getattr(sys, "_base_executable", None) or sys.executable
