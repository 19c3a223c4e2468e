"""What a revision freezes and its PDF prints: the partnership and both plans as plain JSON.

One function makes it, so the revision, its hash, the "what changed" page and the signed PDF
all read the same content. It holds names as they were when it was frozen (an organization
renamed later does not change a signed plan) and codes rather than translated words (a
status, a form of cooperation, a target group's slug), so one revision prints in any
language with the same hash.

Other apps add sections of their own (register_section: the evaluation plan's stages and
KPIs), each under its key and only when it has something.

Left out on purpose: contact details (the public reads signed plans; contacts change without
changing what was agreed) and each action's progress (status, why it is blocked): the plan
is what was agreed, progress is reported on it without a new signature.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from orgs.models import NeedKind, TargetGroup
from roadmap_portal.lib.history import canonical_json, content_hash
from roadmap_portal.lib.translated import translated_text

from .models import ActionItem, CommunicationItem, CooperationForm, Member, Partnership

# The content's own format: a revision keeps the version it was frozen with, so a reader
# (the PDF, the diff) knows which keys to expect even after this function changes.
CONTENT_FORMAT = 1

# Lists of their own, not the pages' (Partnership.DETAILS_FIELDS, CommunicationItem.
# EDITABLE_FIELDS): what a signature covers changes with CONTENT_FORMAT, never because a page
# gained a field.
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


@dataclass(frozen=True)
class Section:
    """A part of the content another app adds (issue 12: the evaluation plan), without
    actionplans importing it. `build(partnership)` returns plain JSON, or something empty
    when the partnership has nothing of it: its key is then left out, so a content without
    it hashes exactly as it did before the section existed (no signed plan shows as changed
    because an app was added). `template` prints a content's section (context: `section`,
    the value; `printing`; `h`, the heading tag; `change_pk` on the check page; `id_prefix`
    for its ids, as the "what changed" page shows a section twice); `title`
    names it on the "what changed" page."""

    key: str
    build: Callable[[Partnership], Any]
    template: str
    title: Any


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> Section:
    """Add a section to every content made from now on, after the plans."""
    if section.key in {"format", "partnership", "members", "actions", "communications"}:
        raise ValueError(f"{section.key!r} is the content's own key")
    SECTIONS[section.key] = section
    return section


def sections_of(content) -> list[tuple[Section, Any]]:
    """The registered sections a content holds, with their values, in registration order."""
    return [(section, content[key]) for key, section in SECTIONS.items() if content.get(key)]


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
    for key, section in SECTIONS.items():
        value = section.build(partnership)
        if value:
            content[key] = value
    return _plain(content)


def current_hash(partnership) -> str:
    """The SHA-256 of the partnership's content as it is now."""
    return content_hash(partnership_content(partnership))


# --- Part C: reading a content (labels, what changed) -----------------------------------


def content_labels(*contents) -> dict:
    """The display names, in the active language, of the codes one or more contents hold:
    {"target_groups": {slug: name}, "needs": {slug: name}, "cooperation_forms": {code:
    label}, "roles": {code: label}}. One query per taxonomy, however many contents. A code
    whose entry was deleted since shows as itself (the `label` template filter's
    fallback)."""
    target_groups, needs = set(), set()
    for content in contents:
        if content:
            target_groups.update(content["partnership"].get("target_groups") or [])
            needs.update(content["partnership"].get("needs") or {})
    return {
        "target_groups": {
            entry.slug: translated_text(entry, "name")
            for entry in TargetGroup.objects.filter(slug__in=target_groups)
        }
        if target_groups
        else {},
        "needs": {
            entry.slug: translated_text(entry, "name")
            for entry in NeedKind.objects.filter(slug__in=needs)
        }
        if needs
        else {},
        "cooperation_forms": {code: str(label) for code, label in CooperationForm.choices},
        "roles": {code: str(label) for code, label in Member.Role.choices},
    }


# Rows of the plans compared field by field; "number" is where a row stands, not what it says.
ROW_FIELDS = {
    "members": ("role", "name"),
    "actions": (*ACTION_FIELDS, "responsible", "responsible_partner", "depends_on"),
    "communications": COMMUNICATION_FIELDS,
}


def _member_key(member):
    if member.get("organization_id"):
        return (member["role"], "organization", member["organization_id"])
    if member.get("municipality_id"):
        return (member["role"], "municipality", member["municipality_id"])
    return (member["role"], "name", member["name"])


def _field_changes(before: dict, after: dict, fields) -> list[dict]:
    return [
        {"field": name, "old": before.get(name), "new": after.get(name)}
        for name in fields
        if before.get(name) != after.get(name)
    ]


def _row_changes(kind: str, before: list, after: list) -> dict:
    """Rows added, removed and changed. Rows are matched by what they say, not by number
    (moving a row up does not change every row below it): first unchanged rows, then
    rows with the same identity (a member's partner and role; an action's activity; a
    communication's subject), then rows at the same number."""
    fields = ROW_FIELDS[kind]
    if kind == "members":
        key = _member_key
    elif kind == "actions":
        key = lambda row: row.get("activity")  # noqa: E731
    else:
        key = lambda row: row.get("subject")  # noqa: E731
    old, new = list(before), list(after)
    pairs = []

    def pair_by(match):
        for row in list(new):
            for candidate in old:
                if match(candidate, row):
                    pairs.append((candidate, row))
                    old.remove(candidate)
                    new.remove(row)
                    break

    pair_by(lambda a, b: all(a.get(name) == b.get(name) for name in fields))
    pair_by(lambda a, b: key(a) == key(b))
    if kind != "members":
        pair_by(lambda a, b: a.get("number") == b.get("number"))
    changed = []
    for a, b in pairs:
        differences = _field_changes(a, b, fields)
        if differences:
            changed.append({"old": a, "new": b, "fields": differences})
    changed.sort(key=lambda change: change["new"].get("number") or 0)
    return {"added": new, "removed": old, "changed": changed}


def content_changes(before: dict, after: dict) -> dict:
    """What changed from content `before` to content `after` (both as
    partnership_content makes them): {"partnership": [{"field", "old", "new"}], and for
    "members", "actions", "communications": {"added": [rows], "removed": [rows],
    "changed": [{"old": row, "new": row, "fields": [{"field", "old", "new"}]}]}}, "sections":
    [{"section", "old", "new"}] for each registered section that differs, plus "any":
    whether anything changed at all."""
    fields = [name for name in (*PARTNERSHIP_FIELDS, "target_groups") if name != "needs"]
    partnership = _field_changes(before["partnership"], after["partnership"], [*fields, "needs"])
    changes = {"partnership": partnership}
    for kind in ROW_FIELDS:
        changes[kind] = _row_changes(kind, before.get(kind, []), after.get(kind, []))
    # A registered section compared as a whole: both versions are shown where it changed.
    changes["sections"] = [
        {"section": section, "old": before.get(key), "new": after.get(key)}
        for key, section in SECTIONS.items()
        if before.get(key) != after.get(key)
    ]
    changes["any"] = (
        bool(partnership)
        or bool(changes["sections"])
        or any(
            changes[kind][part] for kind in ROW_FIELDS for part in ("added", "removed", "changed")
        )
    )
    return changes


# Names of the content's keys that are not a model field's.
_OWN_LABELS = {
    "responsible": _("responsible person"),
    "responsible_partner": _("responsible partner"),
    "name": _("partner"),
}
_MODELS = {
    "partnership": Partnership,
    "members": Member,
    "actions": ActionItem,
    "communications": CommunicationItem,
}


def field_label(kind: str, name: str) -> str:
    """What a key of the content is called: its model field's name, in the active language."""
    if name in _OWN_LABELS:
        return str(_OWN_LABELS[name])
    return str(_MODELS[kind]._meta.get_field(name).verbose_name)
