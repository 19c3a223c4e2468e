import datetime
import hashlib

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from checklists.models import AnswerRevision
from checklists.services import roadmap_start, template_publish
from orgs.models import Organization, OrganizationChange, TargetGroup
from roadmap_portal.lib.history import (
    canonical_json,
    content_hash,
    diff,
    related_names,
    snapshot,
)
from tests.factories import MunicipalityFactory, OrganizationFactory


@pytest.mark.django_db
def test_a_snapshot_holds_foreign_keys_by_id_and_many_to_many_as_sorted_ids():
    organization = OrganizationFactory(name="Biedrība „Ūdens”")
    groups = list(TargetGroup.objects.order_by("-pk")[:2])
    organization.target_groups.set(groups)
    assert snapshot(organization, ["name", "home_municipality", "target_groups"]) == {
        "name": "Biedrība „Ūdens”",
        "home_municipality_id": organization.home_municipality_id,
        "target_groups": sorted(group.pk for group in groups),
    }


def test_a_diff_holds_each_changed_field_before_and_after():
    before = {"name": "A", "email": "a@example.org", "offers": [1]}
    after = {"name": "B", "email": "a@example.org", "offers": [1, 2]}
    assert diff(before, after) == {
        "name": {"old": "A", "new": "B"},
        "offers": {"old": [1], "new": [1, 2]},
    }
    assert diff({}, {"name": "A"}) == {"name": {"old": None, "new": "A"}}
    assert diff(after, after) == {}


def test_canonical_json_has_sorted_keys_no_spaces_and_utf_8():
    content = {"b": [1, {"z": True, "a": None}], "a": "Ķekatas Δήμος"}
    assert canonical_json(content) == ('{"a":"Ķekatas Δήμος","b":[1,{"a":null,"z":true}]}'.encode())
    assert canonical_json({"when": datetime.date(2026, 12, 1)}) == b'{"when":"2026-12-01"}'


def test_the_content_hash_is_the_sha_256_of_the_canonical_json_whatever_the_key_order():
    first = {"text": "Bērni", "status": "completed"}
    second = {"status": "completed", "text": "Bērni"}
    assert content_hash(first) == content_hash(second)
    assert content_hash(first) == hashlib.sha256(canonical_json(first)).hexdigest()
    assert len(content_hash(first)) == 64
    assert content_hash(first) != content_hash(first | {"text": "Bērni!"})


@pytest.mark.django_db
def test_related_names_reads_each_related_model_once_however_many_changes(
    django_assert_num_queries,
):
    municipalities = [MunicipalityFactory() for _n in range(3)]
    groups = list(TargetGroup.objects.all()[:2])
    diffs = [
        {
            "home_municipality_id": {"old": municipalities[n % 3].pk, "new": None},
            "municipalities_served": {"old": [], "new": [m.pk for m in municipalities]},
            "target_groups": {"old": [groups[0].pk], "new": [groups[1].pk, 987654]},
            "name": {"old": "A", "new": "B"},
        }
        for n in range(20)
    ]
    with django_assert_num_queries(2):  # municipalities, target groups
        names = related_names(Organization, diffs)
    assert set(names) == {"home_municipality_id", "municipalities_served", "target_groups"}
    assert names["municipalities_served"] == {m.pk: m.name for m in municipalities}
    assert names["target_groups"] == {g.pk: str(g) for g in groups}  # 987654 was deleted


@pytest.mark.django_db
def test_related_names_of_no_relation_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert related_names(Organization, [{"name": {"old": "A", "new": "B"}}]) == {}


def test_a_change_between_two_snapshots_holds_their_diff_and_none_when_equal():
    change = OrganizationChange.between({"name": "A"}, {"name": "B"}, kind="edited")
    assert change.pk is None and change.kind == "edited"
    assert change.fields == {"name": {"old": "A", "new": "B"}}
    assert OrganizationChange.between({"name": "A"}, {"name": "A"}) is None


def test_a_frozen_revision_is_intact_until_its_content_changes():
    revision = AnswerRevision(content={"text": "Bērni"}).freeze()
    assert revision.content_hash == content_hash({"text": "Bērni"}) and revision.is_intact
    revision.content["text"] = "Pieaugušie"
    assert not revision.is_intact


@pytest.mark.django_db
def test_a_revision_without_its_hash_is_refused_by_the_database(municipality, staff):
    template_publish()
    roadmap = roadmap_start(form="municipality", owner=municipality, title="R", actor=staff)
    answer = roadmap.answers.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerRevision.objects.create(answer=answer, saved_at=timezone.now(), version=1, content={})
