"""Benchmark of the spreadsheet import: 10,000 rows through the resource, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench \
        .venv/bin/python bench/import_directory.py [--rows 10000]

Measures the dry run (the preview) and the confirm of a generated CSV file into one
municipality, importing the same file again (every row unchanged) and a changed one (every
row updated), and, for scale, a plain bulk_create of the same rows with the same
validation (full_clean on each) in the same run. Everything written is deleted at the end.
Memory is the process's peak resident size.
"""

import argparse
import resource
import time

from production_django import setup

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from exchange.readers import read_table  # noqa: E402
from exchange.resource import NOT_FROM_THE_FILE  # noqa: E402
from exchange.services import run_import  # noqa: E402
from orgs.models import Municipality, Organization  # noqa: E402


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generated_csv(municipality, rows):
    lines = ["Name;Home municipality;Registration number;Contact e-mail;Phone;Purpose"]
    for n in range(rows):
        lines.append(
            f"Biedrība „Ābele {n}”;{municipality.name};BENCH{n:08d};info{n}@example.lv;"
            f"'+371 2000 {n:04d};Jauniešu iniciatīvas un brīvā laika aktivitātes {n}"
        )
    return "\n".join(lines).encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark measures PostgreSQL: set DATABASE_URL.")
    municipality = Municipality.objects.order_by("pk").first()
    admin = get_user_model().objects.filter(is_superuser=True).first()
    content = generated_csv(municipality, args.rows)
    size = len(content) / 2**20
    print(f"Import benchmark: {args.rows:,} rows into {municipality.name}, {size:.1f} MB CSV")

    start = time.perf_counter()
    table = read_table(content, "bench.csv")
    report = run_import(table, actor=admin, dry_run=True)
    dry = time.perf_counter() - start
    assert report.counts == {"new": args.rows}, report.counts
    print(f"  dry run  {dry:6.1f} s  {args.rows / dry:7,.0f} rows/s  peak {peak_mb():5.0f} MB")

    start = time.perf_counter()
    table = read_table(content, "bench.csv")
    report = run_import(table, actor=admin, dry_run=False)
    confirm = time.perf_counter() - start
    assert report.written and report.counts == {"new": args.rows}, report.counts
    print(
        f"  confirm  {confirm:6.1f} s  {args.rows / confirm:7,.0f} rows/s  peak {peak_mb():5.0f} MB"
    )

    start = time.perf_counter()
    report = run_import(read_table(content, "bench.csv"), actor=admin, dry_run=False)
    again = time.perf_counter() - start
    assert report.counts == {"unchanged": args.rows}, report.counts
    print(f"  again    {again:6.1f} s  {args.rows / again:7,.0f} rows/s (the same file: unchanged)")

    start = time.perf_counter()
    changed = content.replace(b"aktivit\xc4\x81tes", b"pas\xc4\x81kumi")
    report = run_import(read_table(changed, "bench.csv"), actor=admin, dry_run=False)
    update = time.perf_counter() - start
    assert report.counts == {"updated": args.rows}, report.counts
    print(f"  update   {update:6.1f} s  {args.rows / update:7,.0f} rows/s (every row changed)")
    Organization.objects.filter(registration_number__startswith="BENCH").delete()

    # The plain path: the same rows, the same validation as the import (the model's field
    # checks; uniqueness answered from memory), one bulk_create.
    plain = plain_path(table, municipality, full_checks=False)
    rate = args.rows / plain
    print(f"  plain    {plain:6.1f} s  {rate:7,.0f} rows/s (bulk_create, full_clean each)")
    # For scale: Django's full_clean with every check, which asks the database per row.
    checked = plain_path(table, municipality, full_checks=True)
    print(f"  plain, full_clean with its database checks  {checked:6.1f} s")
    print(f"  confirm / plain = {confirm / plain:.1f}   dry run + confirm = {dry + confirm:.1f} s")


def plain_path(table, municipality, *, full_checks):
    start = time.perf_counter()
    with transaction.atomic():
        instances = []
        for row in table.dataset.dict:
            organization = Organization(
                name=row["name"], slug=f"bench-{row['registration_number'].lower()}",
                type=Organization.Type.OTHER, country=municipality.country,
                home_municipality=municipality, registration_number=row["registration_number"],
                email=row["email"], phone=row["phone"].lstrip("'"), description=row["description"],
                status=Organization.Status.PUBLISHED,
            )  # fmt: skip
            if full_checks:
                organization.full_clean()
            else:
                organization.full_clean(
                    exclude=NOT_FROM_THE_FILE,
                    validate_unique=False,
                    validate_constraints=False,
                )
            instances.append(organization)
        Organization.objects.bulk_create(instances, batch_size=1000)
    elapsed = time.perf_counter() - start
    Organization.objects.filter(registration_number__startswith="BENCH").delete()
    return elapsed


if __name__ == "__main__":
    main()
