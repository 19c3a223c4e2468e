import pytest
from django.db import transaction
from django.utils import translation

from actionplans.models import Partnership
from orgs.models import Organization
from roadmap_portal.lib.locking import (
    FIRST_VERSION,
    Conflict,
    VersionForm,
    bump_version,
    bump_versions,
    lock_at_version,
)
from tests.factories import OrganizationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_a_new_row_starts_at_the_first_version():
    assert OrganizationFactory().version == FIRST_VERSION == 1


def test_the_row_at_the_loaded_version_is_returned_locked_and_bumped_once_saved():
    organization = OrganizationFactory()
    with transaction.atomic():
        locked = lock_at_version(Organization.objects, pk=organization.pk, version=1)
        bump_version(locked)
    assert locked.version == 2
    assert Organization.objects.get(pk=organization.pk).version == 2


def test_a_row_saved_since_the_loaded_version_is_a_conflict_with_the_row_as_saved_now():
    organization = OrganizationFactory()
    bump_version(organization)
    Organization.objects.filter(pk=organization.pk).update(name="Saglabāts starplaikā")
    with pytest.raises(Conflict) as raised, transaction.atomic():
        lock_at_version(Organization.objects, pk=organization.pk, version=1)
    assert raised.value.current.version == 2
    assert raised.value.current.name == "Saglabāts starplaikā"


def test_what_was_saved_since_may_be_declared_overwritable():
    organization = OrganizationFactory()
    bump_version(organization)
    seen = []

    def overwritable(row, version):
        seen.append((row.version, version))
        return True

    with transaction.atomic():
        locked = lock_at_version(
            Organization.objects, pk=organization.pk, version=1, overwritable=overwritable
        )
    assert locked.version == 2 and seen == [(2, 1)]
    with pytest.raises(Conflict), transaction.atomic():
        lock_at_version(
            Organization.objects, pk=organization.pk, version=1, overwritable=lambda r, v: False
        )


def test_a_row_with_one_version_per_part_locks_and_bumps_the_part_named_alone():
    partnership = PartnershipFactory()
    with transaction.atomic():
        locked = lock_at_version(
            Partnership.objects, pk=partnership.pk, version=1, field="actions_version"
        )
        bump_version(locked, field="actions_version")
    assert locked.actions_version == 2
    saved = Partnership.objects.get(pk=partnership.pk)
    assert (saved.actions_version, saved.version, saved.communications_version) == (2, 1, 1)
    with pytest.raises(Conflict), transaction.atomic():
        lock_at_version(Partnership.objects, pk=partnership.pk, version=1, field="actions_version")
    with transaction.atomic():  # the other parts' versions are untouched
        lock_at_version(Partnership.objects, pk=partnership.pk, version=1)


def test_a_row_outside_the_queryset_does_not_exist():
    organization = OrganizationFactory()
    with pytest.raises(Organization.DoesNotExist), transaction.atomic():
        lock_at_version(Organization.objects.none(), pk=organization.pk, version=1)


def test_two_bumps_of_stale_copies_make_two_versions():
    organization = OrganizationFactory()
    stale = Organization.objects.get(pk=organization.pk)
    bump_version(organization)
    bump_version(stale)
    assert stale.version == 3


def test_many_rows_are_bumped_in_one_statement(django_assert_num_queries):
    first, second = OrganizationFactory(), OrganizationFactory()
    bump_version(second)
    with django_assert_num_queries(1):
        assert bump_versions(Organization.objects.filter(pk__in=[first.pk, second.pk])) == 2
    assert sorted(Organization.objects.values_list("version", flat=True)) == [2, 3]


@pytest.mark.parametrize("value", [None, "", "x", "1\x00", "0", "-3", "99999999999"])
def test_a_missing_or_garbled_version_is_a_form_error_in_the_users_language(value):
    data = {} if value is None else {"version": value}
    with translation.override("en"):
        form = VersionForm(data)
        assert not form.is_valid()
        assert form.errors["version"] == [
            "This page is incomplete or out of date. Reload it, then make your changes again."
        ]


def test_the_version_is_a_hidden_number():
    form = VersionForm({"version": "7"})
    assert form.is_valid() and form.cleaned_data["version"] == 7
    assert 'type="hidden"' in str(VersionForm(initial={"version": 3})["version"])
