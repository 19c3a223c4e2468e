"""The directory's panels on My work (roadmap_portal.lib.panels, settings.MY_WORK_PANELS)."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from roadmap_portal.lib.panels import Due, Panel

from .access import coordinated_municipalities, get_moderation_queues, is_municipal_staff
from .models import Organization
from .services import still_correct_token


def my_organizations(request):
    """The entries I represent, with what each asks of me (confirm it is still correct,
    correct a rejected entry). Someone with none who does not work for a municipality
    is shown how to get one; staff and administrators are not."""
    user = request.user
    organizations = list(
        Organization.objects.represented_by(user)
        .select_related("home_municipality")
        .order_by("name")
    )
    if not organizations:
        if is_municipal_staff(user):
            return None
        return Panel("orgs/panels/no_organization.html")
    due = []
    for organization in organizations:
        organization.stale = organization.is_public and organization.is_stale()
        if organization.stale:
            organization.still_correct_url = reverse(
                "orgs:still_correct", args=[still_correct_token(organization)]
            )
            due.append(
                Due(
                    _("Confirm that %(name)s is still correct") % {"name": organization.name},
                    organization.still_correct_url,
                )
            )
        if organization.status == Organization.Status.REJECTED:
            due.append(
                Due(
                    _("Correct the entry of %(name)s and send it again")
                    % {"name": organization.name},
                    reverse("orgs:edit", args=[organization.slug]),
                )
            )
    return Panel("orgs/panels/my_organizations.html", {"organizations": organizations}, due=due)


def moderation_queue(request):
    """Entries, claims and moves waiting for my decision, for those who moderate."""
    try:
        queues = get_moderation_queues(request.user)
    except PermissionDenied:
        return None
    return Panel(
        "orgs/panels/moderation_queue.html",
        {
            "entries": list(
                queues.entries.select_related("home_municipality").order_by("created_at")
            ),
            "claims": list(queues.claims.select_related("organization", "user")),
            "moves": list(queues.moves.select_related("organization", "to_municipality")),
        },
    )


def staff_accounts(request):
    """The staff pages of the municipalities I coordinate."""
    municipalities = list(coordinated_municipalities(request.user).order_by("name"))
    if not municipalities:
        return None
    return Panel("orgs/panels/staff_accounts.html", {"municipalities": municipalities})
