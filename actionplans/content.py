"""What a revision freezes and its PDF prints: the partnership and both plans as plain JSON.

One function makes it, so the revision, its hash, the "what changed" page and the signed PDF
all read the same content. It holds names as they were when it was frozen (an organization
renamed later does not change a signed plan) and codes rather than translated words (a
status, a form of cooperation, a target group's slug), so one revision prints in any
language with the same hash.

Left out on purpose: contact details (the public reads signed plans; contacts change without
changing what was agreed) and each action's progress (status, why it is blocked): the plan
is what was agreed, progress is reported on it without a new signature.
"""

import json

from roadmap_portal.lib.history import canonical_json, content_hash

# The content's own format: a revision keeps the version it was frozen with, so a reader
# (the PDF, the diff) knows which keys to expect even after this function changes.
CONTENT_FORMAT = 1

PARTNERSHIP_FIELDS = (
    "title",
    "shared_result",
    "strategy",
    "roles_and_responsibilities",
    "procedures",
    "monitoring",
    "target_group_detail",
    "needs",
    "cooperation_forms",
    "cooperation_other",
    "starts_on",
    "ends_on",
)
ACTION_FIELDS = ("activity", "goals", "starts_on", "deadline", "ongoing")
COMMUNICATION_FIELDS = (
    "subject",
    "audience",
    "sender",
    "channel",
    "frequency",
    "format",
    "escalation",
)


def _plain(content):
    """JSON values only (dates as ISO text): what the database's JSON gives back, so a
    hash made now equals the hash of the stored content read later."""
    return json.loads(canonical_json(content))


def partnership_content(partnership) -> dict:
    """The partnership, its partners and both plans, in their order: a fixed number of
    queries however many rows it has."""
    members = partnership.members.select_related("organization", "municipality").order_by(
        "position", "id"
    )
    actions = list(
        partnership.actions.select_related("responsible_user", "responsible_member").order_by(
            "position", "id"
        )
    )
    numbers = {action.pk: number for number, action in enumerate(actions, start=1)}
    content = {
        "format": CONTENT_FORMAT,
        "partnership": {
            "id": partnership.pk,
            "municipality": {
                "id": partnership.municipality_id,
                "name": partnership.municipality.name,
                "country": str(partnership.municipality.country),
            },
            **{name: getattr(partnership, name) for name in PARTNERSHIP_FIELDS},
            "cooperation_forms": sorted(partnership.cooperation_forms),
            "target_groups": sorted(partnership.target_groups.values_list("slug", flat=True)),
        },
        "members": [
            {
                "role": member.role,
                "name": member.partner_name,
                "organization_id": member.organization_id,
                "municipality_id": member.municipality_id,
            }
            for member in members
        ],
        "actions": [
            {
                "number": numbers[action.pk],
                **{name: getattr(action, name) for name in ACTION_FIELDS},
                "responsible": action.responsible,
                "responsible_partner": (
                    action.responsible_member.partner_name if action.responsible_member else ""
                ),
                "depends_on": numbers.get(action.depends_on_id),
            }
            for action in actions
        ],
        "communications": [
            {
                "number": number,
                **{name: getattr(item, name) for name in COMMUNICATION_FIELDS},
            }
            for number, item in enumerate(
                partnership.communications.order_by("position", "id"), start=1
            )
        ],
    }
    return _plain(content)


def current_hash(partnership) -> str:
    """The SHA-256 of the partnership's content as it is now."""
    return content_hash(partnership_content(partnership))
