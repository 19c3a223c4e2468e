"""Possible duplicates: entries of a municipality whose names look like a new one's."""

from orgs.models import Organization

from .directory import current_backend

SIMILAR_NAME_THRESHOLD = 0.6


def similar_organizations(*, name: str, municipality_id: int, exclude_pk=None, limit=5):
    """Entries of a municipality whose names look like this one (possible duplicates)."""
    candidates = Organization.objects.filter(
        home_municipality_id=municipality_id,
        status__in=[Organization.Status.PUBLISHED, Organization.Status.PENDING],
    ).exclude(pk=exclude_pk)
    return current_backend().similar_names(
        candidates, name=name, threshold=SIMILAR_NAME_THRESHOLD, limit=limit
    )
