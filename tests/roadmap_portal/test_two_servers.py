"""Two app servers and one task worker against one database, as a deployment with more than
one machine runs them (docs/deploy.md): nothing a request leaves behind for the next one may
live in a process's memory.

Two scripts/serve processes (A and B, one gunicorn worker each) and one `manage.py
db_worker`, with the production settings (DEBUG off, PBKDF2 passwords, the database cache)
on pytest-django's test database. Its rows are committed (a transactional test), so the
processes see what the test made.

PostgreSQL only: the layout it stands for needs a database server, since a SQLite file
cannot be shared between machines; pytest-django's SQLite test database is in the test's
own memory, out of other processes' reach; and SQLite ignores select_for_update, the row
lock the edit conflict relies on in production.
"""

import http.client
import json
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from checklists.services import roadmap_start, template_publish
from exchange.models import ImportRecord
from orgs.models import Organization
from orgs.sides import Side
from orgs.taxonomies import taxonomies_load
from tests.factories import (
    PASSWORD,
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

from .production import (
    collect_static,
    free_port,
    production_environment,
    production_settings,
    serving,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="several processes on one database: PostgreSQL (see the module's docstring)",
)

HOST = "portal.example.org"
LOGIN = "/en/accounts/login/"
WORKER_ID = "two-servers-worker"
# How long a test waits for the worker before it fails.
WORKER_WAIT = 45


def database_url():
    """The test database, as DATABASE_URL names it for the processes."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Forms(HTMLParser):
    """The forms of a page: for each, its action and the fields a browser would send
    without touching anything (no buttons, unchecked boxes left out)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms, self._select, self._textarea, self._options = [], None, None, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if "name" not in attrs or kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and "name" in attrs:
            self._textarea = [attrs["name"], ""]
            fields.append(self._textarea)
        elif tag == "select" and "name" in attrs:
            self._select, self._options = attrs, []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and "multiple" not in self._select:
                chosen = [self._options[0][0]]
            self.forms[-1]["fields"].extend((self._select["name"], value) for value in chosen)
            self._select = None


def form_with(html, field):
    """The fields of the page's form that has `field`, as a list of (name, value)."""
    for form in Forms(html).forms:
        fields = [tuple(pair) for pair in form["fields"]]
        if any(name == field for name, _value in fields):
            return fields
    raise AssertionError(f"no form with {field!r} on the page:\n{html[:3000]}")


def csrf_token(html):
    return dict(form_with(html, "csrfmiddlewaretoken"))["csrfmiddlewaretoken"]


def replaced(fields, **values):
    return [(name, values.get(name, value)) for name, value in fields]


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode()


class Visitor:
    """One browser at one client address, which may talk to either server. Its cookies are
    kept by hand: production's are Secure, and these servers speak plain HTTP."""

    def __init__(self, address):
        self.address = address
        self.cookies = {}

    def request(self, port, method, path, fields=None, files=None):
        headers = {"Host": HOST, "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if files:
            boundary = uuid.uuid4().hex
            body = multipart(boundary, fields or [], files)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, port, path):
        return self.request(port, "GET", path)

    def post(self, port, path, fields, files=None):
        return self.request(port, "POST", path, fields, files)

    def sign_in(self, port, email, password=PASSWORD):
        page = self.get(port, LOGIN)
        fields = replaced(form_with(page.text, "username"), username=email, password=password)
        return self.post(port, LOGIN, fields)


def multipart(boundary, fields, files):
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def wait_for(what, check, *, timeout=WORKER_WAIT, logs=()):
    """check()'s first true answer, asked again until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(0.3)
    output = "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for log in logs)
    pytest.fail(f"{what}: not within {timeout} s\n{output}")


@pytest.fixture
def cast(transactional_db):
    """Who uses the portal, committed for the servers to read. Passwords hashed as
    production hashes them (PBKDF2), since the test settings' MD5 is not accepted there."""
    taxonomies_load(apps)  # a transactional test empties the database, these too
    template_publish()
    municipality = MunicipalityFactory(name="Talsu novads", slug="talsi")
    staff = MunicipalityMembershipFactory(
        municipality=municipality, user__email="staff@example.org"
    ).user
    organization = OrganizationFactory(name="Biedrība Saule", home_municipality=municipality)
    representative = OrganizationMembershipFactory(
        organization=organization, user__email="rep@example.org"
    ).user
    locked = UserFactory(email="coordinator@example.org")
    hasher = PBKDF2PasswordHasher()
    get_user_model().objects.filter(pk__in=[staff.pk, representative.pk, locked.pk]).update(
        password=hasher.encode(PASSWORD, hasher.salt())
    )
    roadmap = roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Bērnu dienas centrs", actor=staff
    )
    return {
        "municipality": municipality,
        "organization": organization,
        "roadmap": roadmap,
    }


@pytest.fixture
def servers(cast, tmp_path):
    """Ports of the servers A and B, with one task worker beside them, and their logs."""
    ports = [free_port()]
    while len(ports) < 2:
        ports += {free_port()} - set(ports)
    environment = production_environment(
        DATABASE_URL=database_url(),
        CACHE_URL="dbcache://django_cache",
        EMAIL_URL="consolemail://",
        STATIC_ROOT=str(tmp_path / "static"),
        # Plain HTTP, no TLS proxy: no redirect to https (the cookies still say Secure).
        SECURE_SSL_REDIRECT="false",
        TRUSTED_PROXY_COUNT="1",  # each visitor's address from X-Forwarded-For
        # Every import and roadmap PDF is the worker's, however small.
        IMPORT_BACKGROUND_ROWS="0",
        PDF_BACKGROUND_LINES="0",
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
        GUNICORN_TIMEOUT="30",
    )
    # The deploy step `createcachetable`, on the test database; its rows outlive the tables
    # of the models, which a transactional test empties.
    with override_settings(CACHES=production_settings(environment, "CACHES")["CACHES"]):
        call_command("createcachetable")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_cache")
    worker_log = tmp_path / "worker.log"
    command = ["manage.py", "db_worker", "--no-startup-delay", "--interval=0.2"]
    with worker_log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, *command, f"--worker-id={WORKER_ID}"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        collect_static(environment)
        logs = [tmp_path / "a.log", tmp_path / "b.log", worker_log]
        with (
            serving(environment | {"PORT": str(ports[0])}, logs[0]),
            serving(environment | {"PORT": str(ports[1])}, logs[1]),
        ):
            # A server's first request imports every view and builds each language's URLs:
            # seconds on a busy machine. Both at once, before the waits below start.
            with ThreadPoolExecutor() as pool:
                pages = pool.map(lambda port: Visitor("192.0.2.1").get(port, LOGIN), ports)
                assert [page.status for page in pages] == [200, 200]
            assert worker.poll() is None, worker_log.read_text()
            yield *ports, logs
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_a_lockout_a_rate_limit_a_conflict_an_import_and_pdfs_hold_across_two_servers(
    cast, servers
):
    a, b, logs = servers

    # A sign-in lockout: failures through A and B count together, five lock the account
    # from that address, and B then refuses the right password too.
    intruder = Visitor("198.51.100.1")
    for port in [a, b, a, b]:
        assert intruder.sign_in(port, "coordinator@example.org", "wrong").status == 200
    assert intruder.sign_in(a, "coordinator@example.org", "wrong").status == 429
    refused = intruder.sign_in(b, "coordinator@example.org")
    assert refused.status == 429
    assert "Try again in 15 minutes" in refused.text
    assert "sessionid" not in intruder.cookies

    # A rate limit: 30 unknown verification codes an hour per address, spent through A,
    # refuse the 31st through B; another address is not limited.
    guesser = Visitor("198.51.100.2")
    if (left := 3600 - time.time() % 3600) < 20:  # the limit counts in fixed clock hours
        time.sleep(left)
    for number in range(30):
        assert guesser.get(a, f"/en/v/guess{number:05d}/").status == 404
    assert guesser.get(b, "/en/v/guess99999/").status == 429
    assert Visitor("198.51.100.3").get(b, "/en/v/guess99999/").status == 404

    # An edit conflict: two sessions load the entry's form, through A and through B; the
    # one that saves second is told, and nothing of the first is overwritten.
    organization = cast["organization"]
    edit = f"/en/organizations/{organization.slug}/edit/"
    first, second = Visitor("198.51.100.4"), Visitor("198.51.100.5")
    assert first.sign_in(a, "rep@example.org").status == 302
    assert second.sign_in(b, "rep@example.org").status == 302
    first_form = form_with(first.get(a, edit).text, "version")
    second_form = form_with(second.get(b, edit).text, "version")
    saved = first.post(a, edit, replaced(first_form, name="Biedrība Saule (saved through A)"))
    assert saved.status == 302, saved.text
    late = second.post(b, edit, replaced(second_form, name="Biedrība Saule (through B)"))
    assert late.status == 200
    assert "Someone else saved this entry while you were editing" in late.text
    assert "Biedrība Saule (saved through A)" in late.text  # what is saved now
    organization.refresh_from_db()
    assert organization.name == "Biedrība Saule (saved through A)"
    assert organization.version == 2

    # An import uploaded through A, checked by the worker, confirmed through B and imported
    # by the worker.
    staff = Visitor("198.51.100.6")
    assert staff.sign_in(a, "staff@example.org").status == 302
    upload_form = form_with(staff.get(a, "/en/moderation/import/").text, "municipality")
    csv = "Name,Home municipality\nBiedrība Alfa,Talsu novads\nBiedrība Beta,Talsu novads\n"
    uploaded = staff.post(
        a,
        "/en/moderation/import/",
        replaced(upload_form, municipality=str(cast["municipality"].pk)),
        files={"file": ("dati.csv", csv.encode())},
    )
    assert uploaded.status == 302, uploaded.text
    preview_url = uploaded.headers["Location"]
    preview = wait_for(
        "the worker's check of the file",
        lambda: (
            (page := staff.get(b, preview_url)).status == 200
            and "Preview of the import" in page.text
            and page
        ),
        logs=logs,
    )
    assert not Organization.objects.filter(name__in=["Biedrība Alfa", "Biedrība Beta"]).exists()
    assert 'name="action" value="import"' in preview.text
    confirm = [("csrfmiddlewaretoken", csrf_token(preview.text)), ("action", "import")]
    confirmed = staff.post(b, preview_url, confirm)
    assert confirmed.status == 302
    wait_for(
        "the worker's import",
        lambda: "Import result" in staff.get(b, preview_url).text,
        logs=logs,
    )
    assert ImportRecord.objects.get().status == ImportRecord.Status.IMPORTED
    assert set(
        Organization.objects.filter(name__in=["Biedrība Alfa", "Biedrība Beta"]).values_list(
            "name", flat=True
        )
    ) == {"Biedrība Alfa", "Biedrība Beta"}

    # A roadmap's PDF asked for through A, made by the worker, downloaded through B.
    roadmap = cast["roadmap"]
    status_page = staff.get(a, f"/en/roadmaps/{roadmap.pk}/pdf/")
    assert "Prepare the PDF" in status_page.text
    token = csrf_token(status_page.text)
    asked = staff.post(a, f"/en/roadmaps/{roadmap.pk}/pdf/", [("csrfmiddlewaretoken", token)])
    assert asked.status == 302
    pdf = wait_for(
        "the worker's PDF",
        lambda: (
            (response := staff.get(b, f"/en/roadmaps/{roadmap.pk}/roadmap.pdf")).headers[
                "Content-Type"
            ]
            == "application/pdf"
            and response
        ),
        logs=logs,
    )
    assert pdf.body.startswith(b"%PDF-")

    # The home page's counts, missing, asked for by both servers within the debounce
    # interval: one refresh is enqueued (the interval is marked in the shared cache).
    assert Visitor("198.51.100.7").get(a, "/en/").status == 200
    assert Visitor("198.51.100.7").get(b, "/en/").status == 200
    refresh = "orgs.counts.refresh_directory_counts_task"
    assert DBTaskResult.objects.filter(task_path=refresh).exclude(status="FAILED").count() == 1

    # Every other task, from either server, ran in the one worker.
    tasks = DBTaskResult.objects.exclude(task_path=refresh)
    tasks = sorted(tasks.values_list("task_path", "status", "worker_ids"))
    assert tasks == [
        ("checklists.tasks.roadmap_pdf_make", "SUCCESSFUL", [WORKER_ID]),
        ("exchange.tasks.import_in_background", "SUCCESSFUL", [WORKER_ID]),
        ("exchange.tasks.import_in_background", "SUCCESSFUL", [WORKER_ID]),
    ], json.dumps(tasks, default=str)
