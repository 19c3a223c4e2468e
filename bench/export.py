"""Benchmark of the directory export: time and peak memory for every published entry.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench .venv/bin/python bench/export.py

Streams the CSV, builds the XLSX and the Open Referral HSDS package (a zip) through the
real views (DEBUG off), in this process.
Memory is the process's peak resident size (ru_maxrss) before and after each export:
Django itself takes about 100 MB before the first row.
"""

import resource
import time

from production_django import setup

setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from orgs.models import Organization  # noqa: E402


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(client, path, params):
    start = time.perf_counter()
    response = client.get(path, params)
    size = sum(len(chunk) for chunk in response.streaming_content)
    return time.perf_counter() - start, size


def main():
    call_command("collectstatic", interactive=False, verbosity=0)
    published = Organization.objects.published().count()
    client = Client(SERVER_NAME="localhost")
    print(f"Export benchmark: {published:,} published organizations")
    exports = [
        ("CSV", "/lv/organizations/export/", {}),
        ("XLSX", "/lv/organizations/export/", {"format": "xlsx"}),
        ("HSDS", "/lv/organizations/export/hsds.zip", {}),
    ]
    for label, path, params in exports:
        before = peak_rss_mb()
        elapsed, size = measure(client, path, params)
        print(
            f"  {label:<5} {elapsed:6.1f} s  {published / elapsed:8,.0f} rows/s"
            f"  peak memory {before:4.0f} -> {peak_rss_mb():4.0f} MB  file {size / 2**20:5.1f} MB"
        )


if __name__ == "__main__":
    main()
