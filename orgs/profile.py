"""What an organization's page shows besides the entry's own row, in one query.

Six prefetches (services, four taxonomies, municipalities served) were six queries, and
compiling each through the ORM cost more than running it: about half of the page's time
at a million rows. One statement over the relation tables returns ids, plus the
municipalities' names and slugs and the services; the taxonomies' labels come from the
directory's filter lists (`directory_choices`, cached and dropped when a taxonomy or a
municipality changes), in the active language and in their lists' order.
"""

from dataclasses import dataclass, field
from functools import cache

from roadmap_portal.lib.replica import read_connection

from .forms import directory_choices
from .models import FieldOfActivity, Municipality, NeedKind, Organization, Service, TargetGroup

SERVICE, MUNICIPALITY, FIELD, TARGET_GROUP, OFFER, SEEK = range(6)
# Each relation's kind, and the directory_choices list and model of its labels.
_TAXONOMIES = {
    FIELD: ("fields_of_activity", "field", FieldOfActivity),
    TARGET_GROUP: ("target_groups", "target_group", TargetGroup),
    OFFER: ("offers", "offers", NeedKind),
    SEEK: ("seeks", "offers", NeedKind),
}


@dataclass
class EntryProfile:
    services: list = field(default_factory=list)
    municipalities_served: list = field(default_factory=list)
    fields_of_activity: list = field(default_factory=list)
    target_groups: list = field(default_factory=list)
    offers: list = field(default_factory=list)
    seeks: list = field(default_factory=list)


@cache
def _statement():
    """The UNION ALL of every relation table, built once from the models' metadata (names
    only: the entry's id is the statement's one parameter, repeated). Columns:
    kind, id, text, second text, position; ordered as the prefetches were (services by
    position, municipalities by name)."""

    def through(relation):
        m2m = Organization._meta.get_field(relation)
        return m2m.m2m_db_table(), m2m.m2m_column_name(), m2m.m2m_reverse_name()

    service = Service._meta.db_table
    served_table, served_from, served_to = through("municipalities_served")
    municipality = Municipality._meta.db_table
    parts = [
        f"SELECT {SERVICE}, id, name, description, position FROM {service}"  # noqa: S608
        " WHERE organization_id = %s",
        f"SELECT {MUNICIPALITY}, m.id, m.name, m.slug, 0 FROM {served_table} t"  # noqa: S608
        f" JOIN {municipality} m ON m.id = t.{served_to} WHERE t.{served_from} = %s",
    ]
    for kind, (relation, _list, _model) in _TAXONOMIES.items():
        table, from_column, to_column = through(relation)
        parts.append(
            f"SELECT {kind}, {to_column}, NULL, NULL, 0 FROM {table}"  # noqa: S608
            f" WHERE {from_column} = %s"
        )
    return " UNION ALL ".join(parts) + " ORDER BY 1, 5, 3, 2", len(parts)


def entry_profile(organization) -> EntryProfile:
    """The entry's services, municipalities served and taxonomies, for its page."""
    sql, parameters = _statement()
    with read_connection(Organization).cursor() as cursor:
        cursor.execute(sql, [organization.pk] * parameters)
        rows = cursor.fetchall()
    profile = EntryProfile()
    chosen = {kind: [] for kind in _TAXONOMIES}
    for kind, pk, text, second_text, _position in rows:
        if kind == SERVICE:
            profile.services.append(
                Service(pk=pk, organization=organization, name=text, description=second_text)
            )
        elif kind == MUNICIPALITY:
            profile.municipalities_served.append(Municipality(pk=pk, name=text, slug=second_text))
        else:
            chosen[kind].append(pk)
    choices = directory_choices()
    for kind, (relation, list_name, model) in _TAXONOMIES.items():
        labels = dict(choices[list_name])
        ids = set(chosen[kind])
        if ids - labels.keys():
            # Created since the lists were cached: read as the prefetch did.
            setattr(profile, relation, list(model.objects.filter(pk__in=ids)))
            continue
        setattr(profile, relation, [label for pk, label in labels.items() if pk in ids])
    return profile
