"""Load benchmark: the production server under wrk, each page against a hello-world view.

Builds the directory (or reuses it), starts `scripts/serve` (gunicorn, 2 sync workers, DEBUG
off) with bench/load_settings.py, which adds a hello-world view at /bench/hello beside the
portal's own URLs, and for each page runs wrk on the hello-world view and then on the page,
printing requests per second, the ratio to hello-world, p50, p99 and errors (issue 14):

    createdb -h 127.0.0.1 -U postgres roadmap_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench .venv/bin/python bench/load.py
    ... bench/load.py --reuse                   # the directory built before
    ... bench/load.py --reuse --pages home,search-mix --duration 10s --connections 16
    ... bench/load.py --reuse --search-p95      # the search's server time under load
    ... bench/load.py --reuse --warm            # each page's paths in the cache first
    ... bench/load.py --reuse --changes-per-second 2   # entries changing meanwhile

Needs wrk (`apt-get install wrk`). Measure on a quiet machine: wrk, gunicorn and PostgreSQL
share its cores, which is the set-up issue 14's figures were taken in.
"""

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
HELLO = "/bench/hello"
LANGUAGE = "lv"
PAGES = ["hello", "home", "directory", "search", "search-mix", "organization", "municipality"]
TITLES = {
    "hello": "hello-world view",
    "home": "home",
    "directory": "directory, no query",
    "search": 'search "biedrība"',
    "search-mix": "search, rotating over {n} queries",
    "organization": "organization page, rotating over {n}",
    "municipality": "municipality page, rotating over {n}",
}
# A user typing part of a word, in the five languages (bench/directory.py's mix has none).
PREFIXES = [
    "jaun", "assoc", "fören", "biedr", "spor", "kopien", "jaunim", "bendruom", "ungdom",
    "idrott", "juven", "despor", "νεολ", "αθλη",
]  # fmt: skip
SEARCH_QUERIES = 140
ORGANIZATIONS = 1000

# wrk's durations and latencies: 1.23us, 4.56ms, 1.20s, 2.00m.
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def milliseconds(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk time: {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def parse_wrk(output):
    """Requests per second, p50 and p99 in ms, requests, and errors (responses other than
    2xx or 3xx, and socket errors) from the output of `wrk --latency`."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    requests = re.search(r"^\s*(\d+) requests in ", output, re.M)
    if not rate or not requests:
        raise ValueError("wrk printed no result:\n" + output)
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    kinds = {"non-2xx/3xx": int(non_2xx[1]) if non_2xx else 0}
    counts = map(int, sockets.groups()) if sockets else [0] * 4
    kinds |= dict(zip(["connect", "read", "write", "timeout"], counts, strict=True))
    return {
        "rate": float(rate[1]),
        "requests": int(requests[1]),
        "p50": milliseconds(percentiles["50"]),
        "p99": milliseconds(percentiles["99"]),
        "errors": sum(kinds.values()),
        "error_kinds": ", ".join(f"{kind} {n}" for kind, n in kinds.items() if n),
    }


def lua_rotating(paths):
    """A wrk script whose requests go round these paths, each thread from its own start."""
    for path in paths:
        if not re.fullmatch(r"/[\x21-\x7e]*", path) or '"' in path or "\\" in path:
            raise ValueError(f"not a URL path for wrk (percent-encode it): {path!r}")
    lines = ",\n".join(f'  "{path}"' for path in paths)
    return f"""-- Made by bench/load.py.
local paths = {{
{lines}
}}
local counter = 1
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("start", threads * 7919)
end

function init(args)
  counter = start or 1
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""


def format_ms(value):
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"


def format_table(rows):
    """rows: (title, result, hello result run just before it) -> a markdown table."""
    lines = [
        "| page | req/s | ratio to hello | p50 | p99 | errors |",
        "|---|---|---|---|---|---|",
    ]
    for title, result, hello in rows:
        ratio = "1" if hello is None else f"{result['rate'] / hello['rate']:.1%}"
        hello_note = "" if hello is None else f" (hello {hello['rate']:,.0f})"
        lines.append(
            f"| {title} | {result['rate']:,.0f}{hello_note} | {ratio} | "
            f"{format_ms(result['p50'])} | {format_ms(result['p99'])} | {result['errors']} |"
        )
    notes = [
        f"{title}: {run['error_kinds']}{' (its hello-world run)' if run is hello else ''}"
        for title, result, hello in rows
        for run in (result, hello)
        if run and run.get("error_kinds")
    ]
    if notes:
        lines += ["", "Errors: " + "; ".join(notes)]
    return "\n".join(lines)


def server_environment(port, workers, page_cache_seconds=60):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DEBUG"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="bench.load_settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-key-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on localhost: no redirect to https, no HSTS.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS="1",
        # No restarts in the middle of a run (gunicorn_config.py replaces a worker after
        # GUNICORN_MAX_REQUESTS requests otherwise).
        GUNICORN_MAX_REQUESTS="0",
        # The production default, unless asked otherwise (0: every page rendered). Set
        # here: bench/directory.py turns it off in its own process's environment.
        PAGE_CACHE_SECONDS=str(page_cache_seconds),
        LOG_LEVEL="WARNING",
    )
    return environment


def manage(*arguments, environment=None):
    command = [PYTHON, "manage.py", *arguments]
    subprocess.run(command, cwd=ROOT, env=environment, check=True)  # noqa: S603 (our own)


def build(count):
    environment = {**os.environ, "DEMO_DATA_ALLOWED": "true", "DEBUG": "false"}
    environment.setdefault("SECRET_KEY", "benchmark-only-key-" + "x" * 40)
    manage("migrate", "--verbosity", "0", environment=environment)
    manage("load_demo_data", environment=environment)
    started = time.monotonic()
    manage("generate_directory", "--count", str(count), environment=environment)
    print(f"generate_directory --count {count}: {time.monotonic() - started:.0f} s", flush=True)


def vacuum_analyze():
    from django.db import connection

    started = time.monotonic()
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE: {time.monotonic() - started:.0f} s", flush=True)


def start_server(port, workers, log, page_cache_seconds):
    process = subprocess.Popen(  # noqa: S603 (our own script)
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=server_environment(port, workers, page_cache_seconds),
        stdout=subprocess.DEVNULL,  # the access log: one line a request
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.flush()
            sys.exit(f"scripts/serve stopped (exit {process.returncode}):\n" + log_tail(log))
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{HELLO}", timeout=2) as reply:
                if reply.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    process.terminate()
    sys.exit("scripts/serve did not answer within 60 s:\n" + log_tail(log))


def log_tail(log, lines=30):
    log.flush()
    return "\n".join(Path(log.name).read_text().splitlines()[-lines:])


def check_pages(port, paths):
    """Every page answers 200 once before it is measured: a 500 is no benchmark."""
    for path in paths:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as reply:
                status = reply.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            sys.exit(f"{path} answered {status}")


def wrk(port, path, *, threads, connections, duration, timeout, script=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency"]
    # wrk's own 2 s would count a slow page's queue as socket errors and leave it out of p99.
    command.append(f"--timeout={timeout}")
    if script:
        command += ["-s", script]
    command.append(f"http://127.0.0.1:{port}{path}")
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return parse_wrk(result.stdout)


@contextmanager
def pages_changing(per_second):
    """While the block runs, the page cache hears `per_second` times a second that an
    entry changed, as from lib.pagecache.public_pages_changed after each write to one: the
    lists are rendered again on their next request, and that entry's page (one not among
    those measured, as nearly every entry of a million is not)."""
    if not per_second:
        yield
        return
    from roadmap_portal.lib import pagecache

    stop = threading.Event()

    def change():
        while not stop.wait(1 / per_second):
            # What public_pages_changed does on commit; this process may have the page
            # cache off (bench/directory.py), the server has it on.
            pagecache._moved_on(entry="bench-no-such-entry")

    thread = threading.Thread(target=change, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def page_paths(rng):
    """Each page's paths: one, or a list to go round."""
    from directory import build_queries

    from orgs.models import Municipality, Organization

    directory = f"/{LANGUAGE}/organizations/"
    queries = [params for _kind, params in build_queries(rng, SEARCH_QUERIES - len(PREFIXES))]
    queries += [{"q": prefix} for prefix in PREFIXES]
    rng.shuffle(queries)
    # Published entries spread over the directory, without ORDER BY random() over it all.
    last = Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = rng.sample(range(1, last + 1), min(last, ORGANIZATIONS * 3))
    slugs = list(
        Organization.objects.published()
        .filter(pk__in=ids)
        .values_list("slug", flat=True)[:ORGANIZATIONS]
    )
    municipalities = list(
        Municipality.objects.filter(organizations__status="published")
        .distinct()
        .values_list("slug", flat=True)
    )
    return {
        "hello": HELLO,
        "home": f"/{LANGUAGE}/",
        "directory": directory,
        "search": directory + "?" + urlencode({"q": "biedrība"}),
        "search-mix": [directory + "?" + urlencode(params) for params in queries],
        "organization": [f"/{LANGUAGE}/organizations/{slug}/" for slug in slugs],
        "municipality": [f"/{LANGUAGE}/municipalities/{slug}/" for slug in municipalities],
    }


def search_p95(port, paths, args, scratch):
    """The directory search's server time (in this process, as bench/directory.py measures
    it) while wrk keeps the server busy on the home and organization pages."""
    from directory import build_queries, percentile
    from django.conf import settings
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 0  # the search's own time, not the page cache's

    background = paths["organization"][:500] + [paths["home"]] * 100
    script = scratch / "background.lua"
    script.write_text(lua_rotating(background))
    queries = build_queries(random.Random(7), SEARCH_QUERIES - len(PREFIXES))  # noqa: S311
    queries += [("prefix", {"q": prefix}) for prefix in PREFIXES]
    client = Client(SERVER_NAME="localhost")
    url = f"/{LANGUAGE}/organizations/"
    for _kind, params in queries:  # warm-up, as bench/directory.py
        client.get(url, params)
    command = ["wrk", "-t2", "-c16", "-d600s", "--latency", "--timeout=10s", "-s", str(script)]
    command.append(f"http://127.0.0.1:{port}/")
    load = subprocess.Popen(  # noqa: S603 (wrk, with our arguments)
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(3)
    timings, by_kind = [], {}
    try:
        for kind, params in queries:
            start = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                sys.exit(f"{url}?{urlencode(params)} answered {response.status_code}")
            timings.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
    finally:
        load.send_signal(signal.SIGINT)  # wrk stops and prints what it measured
        output, _ = load.communicate(timeout=30)
    try:
        background = parse_wrk(output)
        background_note = (
            f" (it made {background['rate']:,.0f} req/s, p99 {format_ms(background['p99'])},"
            f" {background['errors']} errors)"
        )
    except ValueError:
        background_note = ""
    print()
    print(
        f"Directory search, server time of {len(queries)} requests in this process (DEBUG "
        f"off, as bench/directory.py), while wrk -t2 -c16 runs on the home and "
        f"{min(500, len(paths['organization']))} organization pages against "
        f"{args.workers} gunicorn workers{background_note}:"
    )
    print(
        f"  p50 {statistics.median(timings):.1f} ms   p95 {percentile(timings, 0.95):.1f} ms"
        f"   max {max(timings):.1f} ms"
    )
    for kind, values in by_kind.items():
        print(
            f"  {kind:<22} n={len(values):3}  p50 {statistics.median(values):6.1f} ms"
            f"  p95 {percentile(values, 0.95):6.1f} ms"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the directory there is")
    parser.add_argument("--duration", default="30s", help="of each wrk run (wrk's -d)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--timeout", default="10s", help="wrk's, for one response")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's sync workers")
    parser.add_argument("--pages", default=",".join(PAGES), help="a subset of " + ",".join(PAGES))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--search-p95", action="store_true", help="and the search's p95")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--warm",
        action="store_true",
        help="run each page once, unmeasured, just before measuring it: the steady state with"
        " its pages in the cache, rather than every path rendered for the first time",
    )
    parser.add_argument(
        "--changes-per-second",
        type=float,
        default=0,
        help="while each page is measured, tell the page cache this often that an entry"
        " changed (as after every write to one): a portal in use",
    )
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        default=60,
        help="the server's PAGE_CACHE_SECONDS (0: every page rendered)",
    )
    args = parser.parse_args()
    pages = [page.strip() for page in args.pages.split(",") if page.strip()]
    if unknown := set(pages) - set(PAGES):
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("The benchmark measures PostgreSQL: set DATABASE_URL.")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    if not args.reuse:
        build(args.count)
    from production_django import setup

    setup()
    from django.core.management import call_command
    from django.db import connection

    from orgs.models import Organization

    vacuum_analyze()
    call_command("createcachetable")
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("refresh_directory_counts")
    total = Organization.objects.count()
    postgresql = connection.pg_version // 10000
    paths = page_paths(random.Random(args.seed))  # noqa: S311
    connection.close()

    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch_name:
        scratch = Path(scratch_name)
        log = (scratch / "server.log").open("w")
        server = start_server(args.port, args.workers, log, args.page_cache_seconds)
        try:
            check_pages(args.port, [p if isinstance(p, str) else p[0] for p in paths.values()])
            rows = []
            for page in pages:
                path, script = paths[page], None
                if isinstance(path, list):
                    script = scratch / f"{page}.lua"
                    script.write_text(lua_rotating(path))
                    path = path[0]
                options = {
                    "threads": args.threads,
                    "connections": args.connections,
                    "duration": args.duration,
                    "timeout": args.timeout,
                }
                hello = None if page == "hello" else wrk(args.port, HELLO, **options)
                if args.warm and page != "hello":
                    wrk(args.port, path, script=script and str(script), **options)
                with pages_changing(args.changes_per_second):
                    result = wrk(args.port, path, script=script and str(script), **options)
                title = TITLES[page].format(n=len(paths[page]))
                rows.append((title, result, hello))
                print(f"  measured {title}: {result['rate']:,.0f} req/s", flush=True)
            print()
            print(
                f"{total:,} organizations, PostgreSQL {postgresql}, "
                f"{os.cpu_count()} CPUs; scripts/serve with {args.workers} sync workers, "
                f"PAGE_CACHE_SECONDS={args.page_cache_seconds}, "
                f"{args.changes_per_second:g} changes a second, "
                f"cache {os.environ.get('CACHE_URL') or 'the database cache'}; "
                f"wrk -t{args.threads} -c{args.connections} -d{args.duration} --latency "
                f"--timeout={args.timeout}, "
                f"each page just after a run on the hello-world view (its req/s in brackets)"
                + (", and after an unmeasured run of the page itself (--warm)" if args.warm else "")
            )
            print()
            print(format_table(rows))
            if args.search_p95:
                search_p95(args.port, paths, args, scratch)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


if __name__ == "__main__":
    main()
