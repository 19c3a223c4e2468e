"""Benchmark of a roadmap's PDF: a roadmap with every answer at its length limit, against a
one-page PDF made in the same run (the ratio holds on a loaded machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench \
        .venv/bin/python bench/roadmap_pdf.py --runs 3

Writes its roadmaps in a transaction that is rolled back: the database is left as it was.
"""

import argparse
import random
import resource
import time

from production_django import setup

setup()

from django.db import transaction  # noqa: E402
from django.utils import translation  # noqa: E402

from checklists.models import (  # noqa: E402
    ANSWER_TEXT_MAX_LENGTH,
    NEED_DETAIL_MAX_LENGTH,
    Answer,
    Checkpoint,
    Form,
    TemplateVersion,
)
from checklists.pdf import RoadmapPrint  # noqa: E402
from checklists.services import roadmap_start, template_publish  # noqa: E402
from orgs.models import Municipality, NeedKind, Organization  # noqa: E402
from roadmap_portal.lib.pdf import html_to_pdf  # noqa: E402

WORDS = [
    "ģimenēm", "bērniem", "invaliditāti", "trūkst", "atelpas", "brīžu", "sociālais",
    "dienests", "pašvaldība", "biedrība", "jaunieši", "sadarbība", "līdzfinansējums",
    "telpas", "brīvprātīgie", "nodarbības", "vecāki", "pakalpojums", "nometne", "ar",
]  # fmt: skip


ONE_PAGE = '<html lang="lv"><title>Roadmap</title><h1>Roadmap</h1><p>One page.</p></html>'


def prose(length, rnd):
    """Text of `length` characters: sentences, a paragraph every 80 words or so."""
    words, size = [], 0
    while size < length:
        word = rnd.choice(WORDS)
        if rnd.random() < 0.012:
            word += ".\n\n"
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length]


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rnd = random.Random(9)  # noqa: S311 - sample text, not a secret
    with translation.override("lv"), transaction.atomic():
        if not TemplateVersion.objects.exists():
            template_publish()
        municipality = Municipality.objects.create(
            name="Bench novads", slug="bench-pdf", country="LV", time_zone="Europe/Riga"
        )
        organization = Organization.objects.create(
            name="Bench biedrība", slug="bench-pdf", type=Organization.Type.ASSOCIATION,
            country="LV", home_municipality=municipality, status=Organization.Status.PUBLISHED,
        )  # fmt: skip
        slugs = list(NeedKind.objects.values_list("slug", flat=True))
        # A language, as PDF/UA asks of every PDF (else WeasyPrint warns at each).
        html_to_pdf('<html lang="lv"><p>warm-up</p></html>')
        print(f"Roadmap PDF benchmark, {args.runs} runs (seconds)")
        # Every answer at its limit (both forms), then a roadmap just under the threshold:
        # the longest one printed in a request.
        cases = [
            (Form.MUNICIPALITY, municipality, ANSWER_TEXT_MAX_LENGTH, NEED_DETAIL_MAX_LENGTH),
            (Form.COMMUNITY, organization, ANSWER_TEXT_MAX_LENGTH, NEED_DETAIL_MAX_LENGTH),
            (Form.MUNICIPALITY, municipality, 5_800, 0),
        ]
        for form, owner, text_length, need_length in cases:
            roadmap = roadmap_start(form=form, owner=owner, title="Bench", actor=None)
            for answer in roadmap.answers.select_related("checkpoint"):
                answer.text = prose(text_length, rnd)
                answer.status = Answer.Status.COMPLETED
                if answer.checkpoint.kind == Checkpoint.Kind.NEEDS and need_length:
                    answer.needs = {s: prose(need_length, rnd) for s in slugs}
                answer.save()
            document = RoadmapPrint(roadmap)
            characters = sum(
                len(a.text) + sum(len(d) for d in a.needs.values())
                for item in document.steps
                for a in item["answers"]
            )
            for _run in range(args.runs):
                one_page = sorted(timed(lambda: html_to_pdf(ONE_PAGE))[0] for _ in range(5))[2]
                html_time, _html = timed(document.html)
                full, pdf = timed(document.pdf)
                where = "worker" if document.in_background else "request"
                print(
                    f"  {form:<12} {where:<7} {characters:,} characters, {document.lines:,} lines: "
                    f"PDF {full:5.2f} s ({len(pdf) / 1024:,.0f} KB), HTML {html_time:.3f} s, "
                    f"one page (median of 5) {one_page:.3f} s, ratio {full / one_page:4.0f}, "
                    f"{full / document.lines * 1000:.2f} ms per line, peak {peak_mb():.0f} MB"
                )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
