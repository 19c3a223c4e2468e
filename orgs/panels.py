"""The directory's panels on My work (roadmap_portal.lib.panels, settings.MY_WORK_PANELS)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap_portal.lib.pagination import paginate
from roadmap_portal.lib.panels import Due, Panel

from .access import coordinated_municipalities, get_moderation_queues, is_municipal_staff
from .models import Organization
from .services import still_correct_token

# My work shows this many of each list, and pages on (roadmap_portal/lib/pagination.py).
PANEL_ROWS = 10
# What is due from the entries I represent, however many there are.
DUE_SHOWN = 20


def my_organizations(request):
    """The entries I represent, a page at a time (?organizations=), with what each asks
    of me (confirm it is still correct, correct a rejected entry): what is due comes
    from all of them, not only the page shown. Someone with none who does not work for a
    municipality is shown how to get one; staff and administrators are not."""
    user = request.user
    represented = Organization.objects.represented_by(user).select_related("home_municipality")
    organizations = paginate(request, represented.order_by("name", "id"), param="organizations")
    if not organizations:
        if is_municipal_staff(user):
            return None
        return Panel("orgs/panels/no_organization.html")
    for organization in organizations:
        organization.stale = organization.is_public and organization.is_stale()
        if organization.stale:
            organization.still_correct_url = reverse(
                "orgs:still_correct", args=[still_correct_token(organization)]
            )
    due = []
    for organization in _needing_me(represented):
        if organization.status == Organization.Status.REJECTED:
            due.append(
                Due(
                    _("Correct the entry of %(name)s and send it again")
                    % {"name": organization.name},
                    reverse("orgs:edit", args=[organization.slug]),
                )
            )
        else:
            due.append(
                Due(
                    _("Confirm that %(name)s is still correct") % {"name": organization.name},
                    reverse("orgs:still_correct", args=[still_correct_token(organization)]),
                )
            )
    return Panel("orgs/panels/my_organizations.html", {"organizations": organizations}, due=due)


def _needing_me(represented):
    """The entries among `represented` that are rejected or published and unconfirmed for
    FRESHNESS_DAYS (Organization.is_stale, in SQL), at most DUE_SHOWN, in name order."""
    stale_before = timezone.now() - timedelta(days=Organization.FRESHNESS_DAYS)
    return list(
        represented.alias(confirmed=Coalesce("last_confirmed_at", "published_at", "created_at"))
        .filter(
            Q(status=Organization.Status.REJECTED)
            | Q(status=Organization.Status.PUBLISHED, confirmed__lt=stale_before)
        )
        .order_by("name", "id")[:DUE_SHOWN]
    )


def moderation_queue(request):
    """Entries, claims and moves waiting for my decision, for those who moderate: the
    first PANEL_ROWS of each, paged on My work (?queue_entries= ?queue_claims=
    ?queue_moves=), with their counts."""
    try:
        queues = get_moderation_queues(request.user)
    except PermissionDenied:
        return None
    return Panel(
        "orgs/panels/moderation_queue.html",
        {
            "entries": paginate(
                request,
                queues.entries.select_related("home_municipality").order_by("created_at", "id"),
                per_page=PANEL_ROWS,
                param="queue_entries",
            ),
            "claims": paginate(
                request,
                queues.claims.select_related("organization").order_by("created_at", "id"),
                per_page=PANEL_ROWS,
                param="queue_claims",
            ),
            "moves": paginate(
                request,
                queues.moves.select_related("organization", "to_municipality").order_by(
                    "created_at", "id"
                ),
                per_page=PANEL_ROWS,
                param="queue_moves",
            ),
        },
    )


def staff_accounts(request):
    """The staff pages of the municipalities I coordinate."""
    municipalities = list(coordinated_municipalities(request.user).order_by("name"))
    if not municipalities:
        return None
    return Panel("orgs/panels/staff_accounts.html", {"municipalities": municipalities})
