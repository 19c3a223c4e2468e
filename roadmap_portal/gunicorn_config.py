"""Gunicorn's settings for `scripts/serve`, read from the environment (and `.env`).

PORT              8000        HOST  127.0.0.1 (0.0.0.0 in a container)
WEB_CONCURRENCY   2 x CPUs + 1 worker processes
GUNICORN_THREADS  1           threads per worker (more than 1: the gthread worker)
GUNICORN_TIMEOUT  30          seconds before a silent worker is restarted
"""

import os

from django.conf import settings


def _int_from_env(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Reading the settings loads .env into the environment for the lines below, and fails
# early on a missing SECRET_KEY.
if settings.DEBUG:
    raise SystemExit(
        "scripts/serve refuses to start with DEBUG on: DEBUG shows settings and code to "
        "every visitor. Set DEBUG=false, or use `make run` on your own machine."
    )

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int_from_env('PORT', 8000)}"
workers = _int_from_env("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = _int_from_env("GUNICORN_THREADS", 1)
timeout = _int_from_env("GUNICORN_TIMEOUT", 30)
# A worker is replaced after this many requests, giving back what WeasyPrint's PDFs
# made it grow by; the jitter keeps the workers from restarting together.
max_requests = _int_from_env("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

# Logs go to the console (the access log to stdout, errors to stderr), for the
# service manager or the container to collect; no log files.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Nothing administers the server through gunicorn's control socket; several servers
# on one machine would fight over its default path.
control_socket_disable = True
