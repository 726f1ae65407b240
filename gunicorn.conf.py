"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py course.wsgi`.

Environment: BIND (the address to listen on; default 127.0.0.1:$PORT, so
only a reverse proxy on this machine reaches it; in a container behind a
platform's router set BIND=0.0.0.0:8000), PORT (8000), WEB_CONCURRENCY
(worker processes, 2), THREADS (per worker, 4), GRACEFUL_TIMEOUT (seconds
in-flight requests get after SIGTERM, 30).
"""

import os

from course.operations.logging import gunicorn_logconfig

bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("THREADS", "4"))
worker_class = "gthread"
# SIGTERM: stop accepting, let in-flight requests finish (up to this long), exit.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
timeout = 30
keepalive = 5
# Our middleware writes one JSON line per request; gunicorn's access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's own lines (start, workers, signals) as JSON too, like everything else.
logconfig_dict = gunicorn_logconfig(loglevel.upper())
# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl): two
# instances would share it and each could command the other. Nothing here uses it.
control_socket_disable = True
# The master imports the site and reads the course once (course/operations/warmup.py), then forks
# the workers: one import and one read on the machine instead of one per worker, so a start
# reaches its first page sooner, and a worker that dies is replaced at once. Nothing that must
# not cross a fork exists yet: each worker opens its own database connections and starts its
# own sandboxes (course/sandbox/pool.py), Redis client and search index when it first needs
# them. New code or content needs a restart: a HUP re-forks workers from the loaded master.
preload_app = True


def on_starting(server) -> None:
    # The master, the app loaded (preload_app), before it listens: no client waits on a socket no worker accepts on.
    if server.cfg.preload_app:
        from course.operations.warmup import warm_up

        warm_up()


def when_ready(server) -> None:
    if workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning("REDIS_URL is not set: with %d workers each counts rate limits on its own, so a client "
                           "may get up to %d times each limit", workers, workers)
