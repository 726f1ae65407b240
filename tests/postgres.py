"""A throwaway PostgreSQL cluster for tests: initdb in a temp dir, loopback only, no durability."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    # initdb refuses to run as root; the postgres user owns the cluster then.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A running throwaway cluster that a fault test can stop and start again."""

    def __init__(self, data: Path, options: str, log: Path, url: str) -> None:
        self.data, self.options, self.log, self.url = data, options, log, url

    def stop(self) -> None:
        subprocess.run(_as_owner([shutil.which("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                       check=True, capture_output=True)

    def start(self) -> None:
        subprocess.run(_as_owner([shutil.which("pg_ctl"), "-D", str(self.data), "-o", self.options, "-l", str(self.log),
                                  "-w", "start"]), check=True, capture_output=True)


@contextmanager
def postgres_cluster():
    """Yield a DATABASE_URL for a fresh database on a cluster that is destroyed afterwards."""
    with postgres_server() as cluster:
        yield cluster.url


@contextmanager
def postgres_server():
    """Yield a Cluster (url, stop(), start()) with a fresh database; destroyed afterwards."""
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not on PATH")
    root = Path(tempfile.mkdtemp(prefix="pg-test-", dir="/tmp"))
    root.chmod(0o755)
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    subprocess.run(_as_owner([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]),
                   check=True, capture_output=True)
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(_as_owner([shutil.which("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]),
                   check=True, capture_output=True)
    try:
        import psycopg

        deadline = time.monotonic() + 20
        while True:
            try:
                with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
                    conn.execute("CREATE DATABASE app")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # waiting for the server to accept connections
        yield Cluster(data, options, root / "log", f"postgres://postgres@127.0.0.1:{port}/app")
    finally:
        subprocess.run(_as_owner([shutil.which("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str]) -> int:
    """`python -m tests.postgres run -- COMMAND...`: run COMMAND with DATABASE_URL set to a fresh cluster."""
    if len(argv) < 3 or argv[1] != "run" or "--" not in argv:
        print("usage: python -m tests.postgres run -- COMMAND [ARGS...]", file=__import__("sys").stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    with postgres_cluster() as url:
        env = {**os.environ, "DATABASE_URL": url}
        return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv))
