"""The published entries per municipality, counted once for every app process and kept in
MunicipalityCount: refreshed by `refresh_directory_counts` (cron) and by a task enqueued
after the writes that change them, never in a visitor's request."""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.tasks import task
from django.utils import timezone

from roadmap_portal.lib.pagecache import public_lists_changed

from .models import Municipality, MunicipalityCount, Organization

# A burst of writes (an import, a moderator's queue) enqueues one refresh per interval,
# run at its end: the shared cache holds the mark, so it holds across processes.
REFRESH_DEBOUNCE_SECONDS = 30
_DEBOUNCE_KEY = "orgs:directory-counts-refresh"


@transaction.atomic
def directory_counts_refresh() -> int:
    """Count the published entries of every municipality (one GROUP BY over the index on
    status and home municipality) and upsert the counts. Returns the municipalities."""
    counted_at = timezone.now()
    counts = dict(
        Organization.objects.published()
        .order_by()
        .values_list("home_municipality_id")
        .annotate(n=Count("pk"))
    )
    rows = [
        MunicipalityCount(
            municipality_id=pk, published_organizations=counts.get(pk, 0), counted_at=counted_at
        )
        for pk in Municipality.objects.values_list("pk", flat=True)
    ]
    MunicipalityCount.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["municipality"],
        update_fields=["published_organizations", "counted_at"],
    )
    public_lists_changed()
    return len(rows)


@task()
def refresh_directory_counts_task() -> None:
    directory_counts_refresh()


def directory_counts_changed() -> None:
    """Call after a write that changes the counts: after the commit, at most one refresh
    per REFRESH_DEBOUNCE_SECONDS is enqueued, to run at the interval's end so that it
    sees every write of the burst."""
    transaction.on_commit(_enqueue_refresh)


def _enqueue_refresh():
    if not cache.add(_DEBOUNCE_KEY, True, REFRESH_DEBOUNCE_SECONDS):
        return
    refresh = refresh_directory_counts_task
    if refresh.get_backend().supports_defer:
        refresh = refresh.using(
            run_after=timezone.now() + timedelta(seconds=REFRESH_DEBOUNCE_SECONDS)
        )
    refresh.enqueue()
