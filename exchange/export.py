"""The directory's rows for its exports: the columns, and the entries read in chunks by id,
so that 100,000 organizations never sit in memory at once. The responses (CSV streamed,
XLSX write-only, formula-safe cells) are roadmap_portal/lib/spreadsheets.py's.
"""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from orgs.models import (
    FieldOfActivity,
    Municipality,
    NeedKind,
    Organization,
    Service,
    TargetGroup,
)

CHUNK = 2000

PUBLIC_COLUMNS = [
    ("name", _("Name")),
    ("short_name", _("Short name")),
    ("type", _("Type")),
    ("legal_form", _("Legal form")),
    ("is_social_enterprise", _("Social enterprise status")),
    ("registration_number", _("Registration number")),
    ("country", _("Country")),
    ("home_municipality", _("Home municipality")),
    ("municipalities_served", _("Other municipalities it serves")),
    ("address", _("Address")),
    ("description", _("Purpose")),
    ("description_language", _("Language of the purpose")),
    ("services", _("Programmes and services")),
    ("fields_of_activity", _("Fields of activity")),
    ("target_groups", _("Target groups")),
    ("offers", _("Can offer partners")),
    ("seeks", _("Is looking for")),
    ("languages", _("Working languages")),
    ("year_founded", _("Year founded")),
    ("email", _("Contact e-mail")),
    ("phone", _("Phone")),
    ("website", _("Website")),
    ("contact_person", _("Contact person")),
    ("updated_at", _("Last updated")),
]
STAFF_COLUMNS = [
    *PUBLIC_COLUMNS,
    ("status", _("Status")),
    ("contact_person_consent", _("Contact person agrees to be shown")),
    ("email_public", _("E-mail shown publicly")),
    ("phone_public", _("Phone shown publicly")),
    ("last_confirmed_at", _("Last confirmed")),
]


SIMPLE_FIELDS = [
    "id", "name", "short_name", "type", "legal_form", "is_social_enterprise",
    "registration_number", "country", "home_municipality_id", "address", "description",
    "description_language", "languages", "year_founded", "email", "phone", "website",
    "contact_person", "contact_person_consent", "email_public", "phone_public", "updated_at",
    "status", "last_confirmed_at",
]  # fmt: skip
RELATIONS = {
    "municipalities_served": (Organization.municipalities_served.through, "municipality_id"),
    "fields_of_activity": (Organization.fields_of_activity.through, "fieldofactivity_id"),
    "target_groups": (Organization.target_groups.through, "targetgroup_id"),
    "offers": (Organization.offers.through, "needkind_id"),
    "seeks": (Organization.seeks.through, "needkind_id"),
}


def _names_by_relation():
    """Names of the (few) municipalities and taxonomy entries, read once per export."""
    names = {
        "municipalities_served": dict(Municipality.objects.values_list("pk", "name")),
        "fields_of_activity": {t.pk: t.name for t in FieldOfActivity.objects.all()},
        "target_groups": {t.pk: t.name for t in TargetGroup.objects.all()},
    }
    names["offers"] = names["seeks"] = {t.pk: t.name for t in NeedKind.objects.all()}
    return names


def related_ids(ids):
    """{relation: {organization id: sorted ids}}, and {"services": {id: [[name, text]]}},
    for a chunk of organizations: one query a relation.

    Plain rows, no model instances: prefetching through the translated taxonomy managers
    cost more than everything else together (1,700 rows/s instead of the figures in
    docs/performance.md)."""
    related = {}
    for key, (through, column) in RELATIONS.items():
        grouped = defaultdict(list)
        for organization_id, target in through.objects.filter(organization_id__in=ids).values_list(
            "organization_id", column
        ):
            grouped[organization_id].append(target)
        related[key] = {pk: sorted(targets) for pk, targets in grouped.items()}
    services = defaultdict(list)
    for organization_id, name, text in (
        Service.objects.filter(organization_id__in=ids)
        .order_by("organization_id", "position", "id")
        .values_list("organization_id", "name", "description")
    ):
        services[organization_id].append([name, text])
    related["services"] = dict(services)
    return related


def _related_names(ids, names):
    """{relation: {organization id: "name; name"}} for one chunk."""
    related = related_ids(ids)
    named = {
        key: {
            pk: "; ".join(sorted(names[key].get(target, "") for target in targets))
            for pk, targets in related[key].items()
        }
        for key in RELATIONS
    }
    named["services"] = {
        pk: "; ".join(name for name, _text in services)
        for pk, services in related["services"].items()
    }
    return named


def value_chunks(organizations, fields):
    """The organizations as dicts of these fields (id among them), CHUNK at a time by id:
    keyset pagination, each chunk its own query, so no cursor holds every row."""
    last_id = 0
    while True:
        chunk = list(organizations.filter(pk__gt=last_id).order_by("pk").values(*fields)[:CHUNK])
        if not chunk:
            return
        last_id = chunk[-1]["id"]
        yield chunk


def export_rows(organizations, *, staff):
    """The header, then one list of cell values per organization, in chunks by id."""
    columns = STAFF_COLUMNS if staff else PUBLIC_COLUMNS
    yield [str(label) for _key, label in columns]
    type_labels = dict(Organization.Type.choices)
    names = _names_by_relation()
    municipality_names = names["municipalities_served"]
    for chunk in value_chunks(organizations, SIMPLE_FIELDS):
        related = _related_names([row["id"] for row in chunk], names)
        for row in chunk:
            pk = row["id"]
            values = row | {
                "type": str(type_labels.get(row["type"], row["type"])),
                "is_social_enterprise": "yes" if row["is_social_enterprise"] else "no",
                "country": str(row["country"]),
                "home_municipality": municipality_names.get(row["home_municipality_id"], ""),
                "languages": ", ".join(row["languages"] or []),
                "year_founded": row["year_founded"] or "",
                # Personal data: public only with the person's consent.
                "contact_person": row["contact_person"]
                if staff or row["contact_person_consent"]
                else "",
                # Kept from the public when the representatives chose so.
                "email": row["email"] if staff or row["email_public"] else "",
                "phone": row["phone"] if staff or row["phone_public"] else "",
                "updated_at": row["updated_at"].date().isoformat(),
                "contact_person_consent": "yes" if row["contact_person_consent"] else "no",
                "email_public": "yes" if row["email_public"] else "no",
                "phone_public": "yes" if row["phone_public"] else "no",
                "last_confirmed_at": row["last_confirmed_at"].date().isoformat()
                if row["last_confirmed_at"]
                else "",
            }
            for key in (*RELATIONS, "services"):
                values[key] = related[key].get(pk, "")
            yield [values[key] for key, _label in columns]
