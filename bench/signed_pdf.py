"""Benchmark of a signed partnership's PDF: a plan of 200 action rows and 30 communication
rows with realistic text (Latvian letters), printed and sealed, against a one-page PDF made
in the same run (the ratio holds on a loaded machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench \\
        .venv/bin/python bench/signed_pdf.py --runs 5

Seals with the development certificate (var/seal/, made on first use). Writes its
partnership in a transaction that is rolled back: the database is left as it was.
"""

import argparse
import functools
import os
import random
import resource
import statistics
import time
import tracemalloc

from production_django import setup

# The production settings, but sealing with a development certificate: a benchmark has none.
os.environ.setdefault("PDF_SEAL_DEVELOPMENT", "true")
setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import TestCase  # noqa: E402

from actionplans.access import MUNICIPALITY_PARTY  # noqa: E402
from actionplans.content import current_hash  # noqa: E402
from actionplans.models import (  # noqa: E402
    ActionItem,
    CommunicationItem,
    Member,
    Partnership,
)
from actionplans.pdf import RevisionPrint  # noqa: E402
from actionplans.services import partnership_sign  # noqa: E402
from orgs.models import Municipality, Organization  # noqa: E402
from roadmap_portal.lib.pdf import html_to_pdf  # noqa: E402
from roadmap_portal.lib.seal import seal_pdf  # noqa: E402

WORDS = [
    "ģimenēm", "bērniem", "invaliditāti", "trūkst", "atelpas", "brīžu", "sociālais",
    "dienests", "pašvaldība", "biedrība", "jaunieši", "sadarbība", "līdzfinansējums",
    "telpas", "brīvprātīgie", "nodarbības", "vecāki", "pakalpojums", "nometne", "ar",
    "ceļvedis", "žurnāls", "ķermenis", "ņemot", "ūdens", "ēdināšana", "grāmatvedība",
]  # fmt: skip
ACTIONS, COMMUNICATIONS = 200, 30
ONE_PAGE = '<html lang="lv"><title>Plāns</title><h1>Plāns</h1><p>Viena lapa.</p></html>'


def words(low, high, rnd):
    """A sentence of between low and high characters."""
    length, chosen = rnd.randint(low, high), []
    while sum(len(word) + 1 for word in chosen) < length:
        chosen.append(rnd.choice(WORDS))
    return " ".join(chosen)[:length].capitalize()


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_revision(rnd):
    municipality = Municipality.objects.create(
        name="Bench novads", slug="bench-signed-pdf", country="LV", time_zone="Europe/Riga"
    )
    organization = Organization.objects.create(
        name="Biedrība „Bench”", slug="bench-signed-pdf", type=Organization.Type.ASSOCIATION,
        country="LV", home_municipality=municipality, status=Organization.Status.PUBLISHED,
    )  # fmt: skip
    users = get_user_model().objects
    coordinator = users.create_user("bench-coordinator@example.org", full_name="Anna Bērziņa")
    representative = users.create_user("bench-rep@example.org", full_name="Jānis Ozoliņš")
    partnership = Partnership.objects.create(
        municipality=municipality,
        title="Atelpas brīži ģimenēm ar bērniem ar invaliditāti",
        shared_result=words(300, 600, rnd),
        strategy=words(300, 800, rnd),
        roles_and_responsibilities=words(300, 800, rnd),
        procedures=words(200, 500, rnd),
        monitoring=words(200, 500, rnd),
    )
    Member.objects.create(partnership=partnership, organization=organization, role="signatory")
    ActionItem.objects.bulk_create(
        ActionItem(
            partnership=partnership,
            position=number,
            activity=words(40, 200, rnd),
            responsible_name=rnd.choice(["Anna Bērziņa", "Jānis Ozoliņš", "Līga Ķēniņa"]),
            goals=words(60, 300, rnd),
            ongoing=number % 7 == 0,
        )
        for number in range(ACTIONS)
    )
    CommunicationItem.objects.bulk_create(
        CommunicationItem(
            partnership=partnership,
            position=number,
            subject=words(30, 150, rnd),
            audience=words(10, 40, rnd),
            sender=words(10, 30, rnd),
            channel=rnd.choice(["E-pasts", "Sanāksme", "Tīmekļvietne", "Tālrunis"]),
            frequency=rnd.choice(["Reizi mēnesī", "Katru nedēļu", "Pēc vajadzības"]),
            format=words(5, 30, rnd),
            escalation=words(40, 200, rnd),
        )
        for number in range(COMMUNICATIONS)
    )
    with TestCase.captureOnCommitCallbacks(execute=False):  # the worker's PDF: not here
        for party, signer in ((MUNICIPALITY_PARTY, coordinator), (organization, representative)):
            partnership_sign(
                partnership=partnership,
                party=party,
                signer=signer,
                checked_hash=current_hash(partnership),
            )
    return partnership.revisions.get()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", help="write the sealed PDF here, to look at it")
    args = parser.parse_args()
    rnd = random.Random(11)  # noqa: S311 - sample text, not a secret
    with transaction.atomic():
        revision = make_revision(rnd)
        document = RevisionPrint(revision, language="lv")
        seal_pdf(html_to_pdf(ONE_PAGE))  # warm-up: fonts, the certificate
        before = rss_mb()
        print(
            f"Signed PDF benchmark: {ACTIONS} action rows, {COMMUNICATIONS} communication rows, "
            f"{args.runs} runs (load average {os.getloadavg()[0]:.1f})"
        )
        totals, cpus, ratios = [], [], []
        for _run in range(args.runs):
            cpu_start = time.process_time()
            one_page_start = time.process_time()
            one_page = sorted(timed(lambda: seal_pdf(html_to_pdf(ONE_PAGE)))[0] for _ in range(5))[
                2
            ]
            one_page_cpu = (time.process_time() - one_page_start) / 5
            html_time, html = timed(document.html)
            print_time, unsealed = timed(functools.partial(html_to_pdf, html))
            seal_time, sealed = timed(functools.partial(seal_pdf, unsealed))
            total = html_time + print_time + seal_time
            cpu = time.process_time() - cpu_start - 5 * one_page_cpu
            totals.append(total)
            cpus.append(cpu)
            ratios.append(total / one_page)
            print(
                f"  total {total:5.2f} s, CPU {cpu:5.2f} s (HTML {html_time:.2f}, "
                f"print {print_time:.2f}, seal {seal_time:.2f}), {len(sealed) / 1024:,.0f} KB; "
                f"one page sealed (median of 5) {one_page:.3f} s, ratio {total / one_page:4.1f}"
            )
        tracemalloc.start()
        sealed = document.pdf()
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"median {statistics.median(totals):.2f} s (CPU {statistics.median(cpus):.2f} s), "
            f"ratio {statistics.median(ratios):.1f}; "
            f"peak RSS of the process {rss_mb():.0f} MB (before the runs {before:.0f} MB), "
            f"Python allocations while printing and sealing {traced_peak / 2**20:.0f} MB"
        )
        if args.out:
            with open(args.out, "wb") as file:
                file.write(sealed)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
