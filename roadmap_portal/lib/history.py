"""The history of records, one way for every app: snapshots and their differences,
revisions frozen with a SHA-256 of their canonical content, and events.

- snapshot(obj, fields): a record's declared fields as plain JSON values (a foreign key
  by its id, many-to-many as sorted ids); diff(before, after): what changed between two.
- canonical_json(content) and content_hash(content): the same content gives the same
  bytes, and so the same hash, on any machine and in any Python (sorted keys, no spaces,
  UTF-8): what a signature (an action plan's) or an audit compares.
- related_names(model, diffs): the names of the rows whose ids the snapshots hold, in one
  query per related model however many changes a history page shows.
- Change, Revision, Event: abstract models an app's history subclasses, adding the foreign
  key to its record (and who, where it is not `actor`).

This module imports no app.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

SHA256_LENGTH = 64


def snapshot(obj, fields: Iterable[str]) -> dict:
    """The `fields` of a saved record as JSON values: a foreign key as its id (under its
    attname, `municipality_id`), a many-to-many relation as its sorted ids."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        else:
            values[field.attname] = getattr(obj, field.attname)
    return values


def diff(before: dict, after: dict) -> dict:
    """{field: {"old": ..., "new": ...}} for each field of `after` whose value differs
    from `before` (a field missing from `before`, a new record's, was None)."""
    return {
        field: {"old": before.get(field), "new": value}
        for field, value in after.items()
        if before.get(field) != value
    }


def canonical_json(content) -> bytes:
    """Sorted keys, no spaces, UTF-8 (not \\u escapes); dates and decimals as Django's
    JSON encoder writes them."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode()


def content_hash(content) -> str:
    """The SHA-256 of the canonical JSON of `content`, in hexadecimal."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def related_names(model, diffs: Iterable[dict]) -> dict[str, dict]:
    """For every relation of `model` (foreign key or many-to-many) that the diffs name,
    {field: {id: str(row)}} of the rows their old and new values point to, reading each
    related model once. A deleted row has no name: the caller shows its id."""
    wanted = defaultdict(set)  # related model -> ids
    fields = {}
    for changed in diffs:
        for key, values in changed.items():
            field = _relation(model, key)
            if field is None:
                continue
            fields[key] = field
            for value in (values.get("old"), values.get("new")):
                ids = value if isinstance(value, list) else [value]
                wanted[field.related_model].update(pk for pk in ids if pk is not None)
    names = {
        related: {row.pk: str(row) for row in related._default_manager.filter(pk__in=ids)}
        for related, ids in wanted.items()
    }
    return {key: names[field.related_model] for key, field in fields.items()}


def _relation(model, key):
    for field in model._meta.get_fields():
        # models.Field: the model's own relations, not the reverse ones.
        if (
            isinstance(field, models.Field)
            and field.is_relation
            and key
            in (
                field.name,
                field.attname,
            )
        ):
            return field
    return None


class Change(models.Model):
    """One recorded change to a record: who (`actor`), when, and each field before and
    after (`fields`, as diff() makes it). A subclass adds the foreign key to its record,
    and may override a field to name it in its own words (verbose_name)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    # {"field": {"old": ..., "new": ...}}: relations as lists of ids.
    fields = models.JSONField(_("changes"))

    class Meta:
        abstract = True

    @classmethod
    def between(cls, before: dict, after: dict, **values):
        """An unsaved change from snapshot `before` to `after` (with `values` for the
        subclass's own fields), or None when nothing changed."""
        changed = diff(before, after)
        return cls(fields=changed, **values) if changed else None


class Revision(models.Model):
    """A whole state of a record (`content`, a snapshot), frozen with the SHA-256 of its
    canonical content (`content_hash`): freeze() before saving, is_intact to check it.
    A subclass adds the foreign key to its record and who saved it."""

    created_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField()
    content_hash = models.CharField(max_length=SHA256_LENGTH, editable=False)

    class Meta:
        abstract = True
        constraints = [
            # A revision is never saved without its hash.
            models.CheckConstraint(
                condition=Exact(Length("content_hash"), SHA256_LENGTH),
                name="%(app_label)s_%(class)s_content_hash",
            ),
        ]

    def freeze(self):
        """Set content_hash to the hash of content; returns the revision."""
        self.content_hash = content_hash(self.content)
        return self

    @property
    def is_intact(self) -> bool:
        return self.content_hash == content_hash(self.content)


class Event(models.Model):
    """Something that happened to a record (started, shared, signed): its `kind` (a
    subclass gives the choices), who and when. A subclass adds the foreign key to its
    record and whatever the event concerns."""

    kind = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
