"""Benchmark of a partnership's evaluation report PDF: 20 KPIs with 50 approved measurements
each (a chart and a table of 50 rows per KPI), 6 stages and 10 pieces of evidence, against a
one-page PDF made in the same run (the ratio holds on a loaded machine). A report this large
is over settings.PDF_BACKGROUND_LINES: the task worker prints it (evaluation.tasks), so this
is the worker's time; a request only estimates it and, to serve a PDF made already, gathers
and renders its HTML for the fingerprint (measured apart, at the end).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench \\
        .venv/bin/python bench/evaluation_report.py --runs 5

Writes its partnership in a transaction that is rolled back: the database is left as it was.
"""

import argparse
import datetime
import os
import random
import resource
import statistics
import time
from decimal import Decimal

from production_django import setup

setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from actionplans.models import Member, Partnership  # noqa: E402
from evaluation.models import (  # noqa: E402
    EvaluationStage,
    Evidence,
    Kpi,
    Measurement,
)
from evaluation.report import ReportPrint, evaluation_report, report_pdf  # noqa: E402
from orgs.models import Municipality, Organization  # noqa: E402
from roadmap_portal.lib.pdf import html_to_pdf  # noqa: E402

KPIS, MEASUREMENTS, STAGES, EVIDENCE = 20, 50, 6, 10
ONE_PAGE = '<html lang="lv"><title>Atskaite</title><h1>Atskaite</h1><p>Viena lapa.</p></html>'
WORDS = [
    "jauniešu", "nodarbinātība", "ģimenes", "atelpas", "brīži", "sadarbība", "pašvaldība",
    "biedrība", "apmācības", "dalībnieki", "aptauja", "rezultāti", "uzlabojums", "ar", "un",
]  # fmt: skip


def words(count, rnd):
    return " ".join(rnd.choice(WORDS) for _ in range(count)).capitalize()


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_partnership(rnd):
    municipality = Municipality.objects.create(
        name="Bench novads", slug="bench-evaluation", country="LV", time_zone="Europe/Riga"
    )
    organization = Organization.objects.create(
        name="Biedrība „Bench”", slug="bench-evaluation", type=Organization.Type.ASSOCIATION,
        country="LV", home_municipality=municipality, status=Organization.Status.PUBLISHED,
    )  # fmt: skip
    partnership = Partnership.objects.create(
        municipality=municipality, title="Jauniešu nodarbinātība kopā", shared_result="Darbs"
    )
    Member.objects.create(partnership=partnership, organization=organization, role="signatory")
    start = datetime.date(2024, 1, 1)
    now = timezone.now()
    for number in range(KPIS):
        aggregation = [Kpi.Aggregation.LATEST, Kpi.Aggregation.SUM, Kpi.Aggregation.AVERAGE][
            number % 3
        ]
        kpi = Kpi.objects.create(
            partnership=partnership,
            position=number,
            name=f"{number + 1}. {words(4, rnd)}",
            unit=rnd.choice(["%", "cilvēki", "pasākumi", ""]),
            decimals=number % 3,
            direction=Kpi.Direction.UP,
            aggregation=aggregation,
            baseline_value=Decimal(40),
            baseline_on=start,
            target_value=Decimal(1000 if aggregation == Kpi.Aggregation.SUM else 80),
            target_on=datetime.date(2028, 1, 1),
            source=words(3, rnd),
            method=words(30, rnd),
        )
        Measurement.objects.bulk_create(
            Measurement(
                kpi=kpi,
                value=Decimal(rnd.randint(5, 20) if aggregation == "sum" else rnd.randint(35, 85))
                + Decimal(rnd.randint(0, 99)) / 100,
                measured_on=start + datetime.timedelta(days=14 * (day + 1)),
                is_estimate=day % 9 == 0,
                status=Measurement.Status.APPROVED,
                reviewed_at=now,
            )
            for day in range(MEASUREMENTS)
        )
    for number in range(STAGES):
        EvaluationStage.objects.create(
            partnership=partnership,
            name=f"Posms {number + 1}",
            kind=EvaluationStage.Kind.DURING,
            ends_on=start + datetime.timedelta(days=120 * (number + 1)),
            subjects=["communication", "coordination"],
            questions=words(40, rnd),
            findings=words(120, rnd),
        )
    for number in range(EVIDENCE):
        Evidence.objects.create(
            partnership=partnership,
            method=Evidence.Method.SURVEY,
            title=f"Aptauja {number + 1}",
            gathered_on=start + datetime.timedelta(days=60 * (number + 1)),
            summary=words(150, rnd),
            participants=rnd.randint(5, 200),
        )
    return Partnership.objects.with_municipality().get(pk=partnership.pk)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", help="write the PDF here, to look at it")
    args = parser.parse_args()
    rnd = random.Random(12)  # noqa: S311 - sample data, not a secret
    with transaction.atomic(), translation.override("lv"):
        partnership = make_partnership(rnd)
        html_to_pdf(ONE_PAGE)  # warm-up: fonts
        before = rss_mb()
        print(
            f"Evaluation report benchmark: {KPIS} KPIs x {MEASUREMENTS} measurements, "
            f"{STAGES} stages, {EVIDENCE} evidence, {args.runs} runs "
            f"(load average {os.getloadavg()[0]:.1f})"
        )
        totals, ratios, cpu_ratios = [], [], []
        for _run in range(args.runs):
            one_page_cpu_start = time.process_time()
            one_page = sorted(timed(lambda: html_to_pdf(ONE_PAGE))[0] for _ in range(5))[2]
            one_page_cpu = (time.process_time() - one_page_cpu_start) / 5
            cpu_start = time.process_time()
            gather_time, report = timed(lambda: evaluation_report(partnership))
            print_time, pdf = timed(lambda report=report: report_pdf(report))
            cpu = time.process_time() - cpu_start
            total = gather_time + print_time
            totals.append(total)
            ratios.append(total / one_page)
            cpu_ratios.append(cpu / one_page_cpu)
            print(
                f"  total {total:5.2f} s, CPU {cpu:5.2f} s (gather {gather_time:.2f}, "
                f"HTML and print {print_time:.2f}), {len(pdf) / 1024:,.0f} KB; "
                f"one page (median of 5) {one_page:.3f} s (CPU {one_page_cpu:.3f} s), "
                f"ratio {total / one_page:5.1f} (of CPU {cpu / one_page_cpu:5.1f})"
            )
        print(
            f"median {statistics.median(totals):.2f} s, ratio {statistics.median(ratios):.1f} "
            f"(of CPU {statistics.median(cpu_ratios):.1f}); "
            f"peak RSS of the process {rss_mb():.0f} MB (before the runs {before:.0f} MB)"
        )
        estimate_time, document = timed(lambda: ReportPrint(partnership))
        estimate_time += timed(lambda: document.in_background)[0]
        fingerprint_time = timed(lambda: document.fingerprint)[0]
        print(
            f"the request: estimate {estimate_time * 1000:.0f} ms ({document.lines:,} lines, "
            f"in the background: {document.in_background}); gather, HTML and fingerprint "
            f"{fingerprint_time * 1000:.0f} ms"
        )
        if args.out:
            with open(args.out, "wb") as file:
                file.write(pdf)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
