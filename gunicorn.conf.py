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
# Each worker starts its own warm sandboxes after the fork (see course/sandbox/pool.py).
preload_app = False


def when_ready(server) -> None:
    if workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning("REDIS_URL is not set: with %d workers each counts rate limits on its own, so a client "
                           "may get up to %d times each limit", workers, workers)
