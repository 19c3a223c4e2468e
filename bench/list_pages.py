"""Benchmark of the list pages (moderation queue, My work, an entry's history, the
imports): server time, queries and size of each, as the directory grows.

Fill a PostgreSQL database first (see docs/performance.md), then:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench \
        .venv/bin/python bench/list_pages.py [--pending-share 0.03] [--repeat 20]

It makes a share of the published organizations pending (3%: 30,000 at a million, as the
issue measured), gives one entry 500 changes, and signs in as a portal administrator and
as staff of the municipality with the most pending entries. Each page goes through the
whole Django stack with the production settings (DEBUG off), in this process: the figure
is server time without the network. Each page runs once to warm the caches, then
`--repeat` times measured; the table gives the median and the slowest.
"""

import argparse
import statistics
import sys
import time

from production_django import setup

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from orgs.models import (  # noqa: E402
    MunicipalityMembership,
    Organization,
    OrganizationChange,
)

HISTORY_CHANGES = 500


def prepare(pending_share):
    published = Organization.objects.filter(status=Organization.Status.PUBLISHED)
    total = Organization.objects.count()
    wanted = int(total * pending_share)
    have = Organization.objects.filter(status=Organization.Status.PENDING).count()
    if have < wanted:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE orgs_organization SET status = 'pending' WHERE id IN"
                " (SELECT id FROM orgs_organization WHERE status = 'published'"
                " ORDER BY id DESC LIMIT %s)",
                [wanted - have],
            )
    entry = published.order_by("id").first()
    missing = HISTORY_CHANGES - OrganizationChange.objects.filter(organization=entry).count()
    OrganizationChange.objects.bulk_create(
        OrganizationChange(organization=entry, fields={"name": {"old": "a", "new": "b"}})
        for _ in range(max(0, missing))
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orgs_organization; ANALYZE orgs_organizationchange")
    users = get_user_model().objects
    admin, _ = users.get_or_create(
        email="bench-admin@example.org", defaults={"is_superuser": True, "is_staff": True}
    )
    busiest = (
        Organization.objects.filter(status=Organization.Status.PENDING)
        .values("home_municipality")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    staff, _ = users.get_or_create(email="bench-staff@example.org")
    MunicipalityMembership.objects.get_or_create(
        user=staff, municipality_id=busiest["home_municipality"]
    )
    return total, wanted, busiest["n"], entry, admin, staff


def measure(client, url, repeat):
    client.get(url)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), max(times), len(captured), len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending-share", type=float, default=0.03)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark measures PostgreSQL: set DATABASE_URL.")
    call_command("collectstatic", interactive=False, verbosity=0)
    total, pending, staff_pending, entry, admin, staff = prepare(args.pending_share)
    print(
        f"{total:,} organizations, {pending:,} pending ({staff_pending:,} in the staff"
        f" member's municipality), {HISTORY_CHANGES} changes in one entry's history"
    )
    pages = [
        ("administrator", admin, "/en/moderation/"),
        ("administrator", admin, "/en/moderation/?entries=50"),
        ("administrator", admin, "/en/my-work/"),
        ("staff", staff, "/en/moderation/"),
        ("staff", staff, "/en/my-work/"),
        ("administrator", admin, f"/en/organizations/{entry.slug}/history/"),
        ("administrator", admin, f"/en/organizations/{entry.slug}/history/?page=25"),
        ("administrator", admin, "/en/moderation/import/"),
    ]
    print("| who | page | median ms | max ms | queries | KB |\n|---|---|---|---|---|---|")
    for who, user, url in pages:
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        median, slowest, queries, size = measure(client, url, args.repeat)
        print(f"| {who} | {url} | {median:.1f} | {slowest:.1f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
