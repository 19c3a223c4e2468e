"""scripts/serve: the production app server, started as a deployment starts it."""

import http.client
import subprocess

import pytest
from django.conf import settings

from .production import collect_static, free_port, manage, production_environment, serving

ROOT = settings.BASE_DIR
HOST = "portal.example.org"


def get(port, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.fixture
def served(tmp_path):
    """scripts/serve on a free port, after the deploy steps, with DEBUG off."""
    port = free_port()
    environment = production_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        BEHIND_TLS_PROXY="true",
        TRUSTED_PROXY_COUNT="1",  # one proxy in front, as a deployment behind it sets
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        GUNICORN_TIMEOUT="20",
    )
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "createcachetable")
    collect_static(environment)
    log = tmp_path / "serve.log"
    with serving(environment, log):
        yield port, log


def test_it_serves_healthz_over_plain_http_and_pages_over_https_with_security_headers(served):
    port, log = served

    status, _headers, body = get(port, "/healthz")
    assert (status, body) == (200, b"ok\n")

    status, headers, _body = get(port, "/lv/")
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/lv/"

    # Through the TLS proxy (X-Forwarded-Proto, trusted with BEHIND_TLS_PROXY).
    status, headers, body = get(port, "/lv/", **{"X-Forwarded-Proto": "https"})
    assert status == 200, body
    assert b'href="#main"' in body
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"

    # Static files by their hashed names, from STATIC_ROOT.
    stylesheet = body.decode().split('href="/static/css/portal.', 1)[1].split('"', 1)[0]
    status, headers, _body = get(
        port, f"/static/css/portal.{stylesheet}", **{"X-Forwarded-Proto": "https"}
    )
    assert status == 200
    assert "immutable" in headers["Cache-Control"]

    output = log.read_text()
    # The workers and threads come from the environment; the access log is on the console.
    assert output.count("Booting worker") == 2
    assert "Using worker: gthread" in output
    assert '"GET /healthz HTTP/1.1" 200' in output


def test_it_refuses_to_start_with_debug_on(tmp_path):
    result = subprocess.run(
        [ROOT / "scripts" / "serve"],
        cwd=tmp_path,
        env=production_environment(DEBUG="true", PORT=str(free_port())),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "refuses to start with DEBUG on" in result.stderr
