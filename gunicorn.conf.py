"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py course.wsgi`.

Environment: PORT (8000), WEB_CONCURRENCY (worker processes, 2), THREADS
(per worker, 4), GRACEFUL_TIMEOUT (seconds in-flight requests get after
SIGTERM, 30).
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
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
# Each worker starts its own warm sandboxes after the fork (see course/sandbox/pool.py).
preload_app = False
