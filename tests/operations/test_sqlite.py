"""SQLite as the site configures it: write-ahead log, and writers that queue instead of failing "database is locked".

The quick start and small deployments run on SQLite, with gunicorn's threads
(and two workers) writing at once. In the default rollback-journal mode a
transaction that reads and then writes takes a shared lock first; two of them
deadlock on the upgrade and one fails at once with "database is locked"
(the busy timeout cannot help). IMMEDIATE transactions take the write lock
at BEGIN and queue; WAL lets readers go on while one writes.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, threading
import django
django.setup()
from django.db import connection, connections, transaction
from django.db.utils import OperationalError

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE tally (n INTEGER)")
    journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
connection.close()

ROUNDS, barrier, failures = 40, threading.Barrier(2), []

def writer():
    for _ in range(ROUNDS):
        barrier.wait()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                count = cursor.execute("SELECT COUNT(*) FROM tally").fetchone()[0]  # read, then write: the lock upgrade
                cursor.execute("INSERT INTO tally VALUES (%s)", [count])
        except OperationalError as exc:
            failures.append(str(exc))
    connections.close_all()

threads = [threading.Thread(target=writer) for _ in range(2)]
for thread in threads: thread.start()
for thread in threads: thread.join()
with connection.cursor() as cursor:
    rows = cursor.execute("SELECT COUNT(*) FROM tally").fetchone()[0]
print(json.dumps({"journal": journal, "synchronous": synchronous, "failures": failures, "rows": rows}))
"""


def test_sqlite_writers_queue_in_wal_mode(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "course.settings.base", "SECRET_KEY": "x" * 50,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "ALLOWED_HOSTS": "127.0.0.1"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["journal"] == "wal" and result["synchronous"] == 1  # NORMAL: no fsync per commit in WAL mode
    assert result["failures"] == [] and result["rows"] == 80
