"""Who sees and acts on an import, and who exports the staff's directory
(exchange/access.py). One rule for the list of imports and for an import's page: staff
see their own imports and their colleagues' (the import is the municipality's work);
only the uploader acts on one."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from exchange.access import (
    get_import_for_user,
    import_municipalities,
    imports_visible_to,
    organizations_for_staff_export,
)
from exchange.models import ImportRecord
from orgs.models import Organization
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def an_import(user, municipality=None):
    return ImportRecord.objects.create(
        created_by=user,
        municipality=municipality,
        filename="dati.csv",
        checksum="0" * 64,
        content=b"Name\nBiedriba A\n",
        status=ImportRecord.Status.IMPORTED,
    )


@pytest.fixture
def neighbour_staff(db):
    return MunicipalityMembershipFactory(municipality=MunicipalityFactory(name="Ventspils")).user


def test_the_uploader_sees_and_acts_on_their_import(staff):
    record = an_import(staff)
    assert get_import_for_user(staff, record.pk) == record
    assert get_import_for_user(staff, record.pk, write=True) == record
    assert list(imports_visible_to(staff)) == [record]


def test_a_colleague_of_the_same_municipality_sees_an_import_in_the_list_and_on_its_page(
    staff, coordinator
):
    record = an_import(staff)  # no municipality given: the rows name theirs
    assert list(imports_visible_to(coordinator)) == [record]
    assert get_import_for_user(coordinator, record.pk) == record


def test_a_colleague_does_not_act_on_someone_elses_import(staff, coordinator):
    record = an_import(staff)
    with pytest.raises(PermissionDenied):
        get_import_for_user(coordinator, record.pk, write=True)


def test_staff_of_the_municipality_an_import_is_for_see_it(staff, municipality, administrator):
    record = an_import(administrator, municipality)
    assert list(imports_visible_to(staff)) == [record]
    assert get_import_for_user(staff, record.pk) == record


def test_an_import_for_the_municipality_stays_with_it_when_its_uploader_leaves(
    staff, coordinator, municipality
):
    record = an_import(staff, municipality)
    staff.municipality_memberships.all().delete()
    assert get_import_for_user(coordinator, record.pk) == record  # hidden before: 404
    assert list(imports_visible_to(coordinator)) == [record]


def test_staff_of_another_municipality_get_404_and_an_empty_list(staff, neighbour_staff):
    record = an_import(staff)
    assert not imports_visible_to(neighbour_staff).exists()
    with pytest.raises(Http404):
        get_import_for_user(neighbour_staff, record.pk)


def test_portal_administrators_see_every_import_and_act_on_their_own(staff, administrator):
    record = an_import(staff)
    own = an_import(administrator)
    assert set(imports_visible_to(administrator)) == {record, own}
    assert get_import_for_user(administrator, record.pk) == record
    assert get_import_for_user(administrator, own.pk, write=True) == own
    with pytest.raises(PermissionDenied):
        get_import_for_user(administrator, record.pk, write=True)


def test_people_who_work_for_no_municipality_get_403(staff, representative):
    record = an_import(staff)
    for user in (representative, UserFactory()):
        with pytest.raises(PermissionDenied):
            get_import_for_user(user, record.pk)
        with pytest.raises(PermissionDenied):
            imports_visible_to(user)
        with pytest.raises(PermissionDenied):
            import_municipalities(user)


def test_staff_import_into_their_municipalities_and_administrators_into_any(
    staff, municipality, administrator, neighbour_staff
):
    assert list(import_municipalities(staff)) == [municipality]
    assert set(import_municipalities(administrator)) == {
        municipality,
        neighbour_staff.municipality_memberships.get().municipality,
    }


def test_the_staff_export_has_the_published_directory_and_every_entry_of_their_municipality(
    staff, municipality, administrator
):
    published = OrganizationFactory(name="Publicēta")
    own_pending = OrganizationFactory(
        home_municipality=municipality, status=Organization.Status.PENDING
    )
    elsewhere_pending = OrganizationFactory(status=Organization.Status.PENDING)
    assert set(organizations_for_staff_export(staff)) == {published, own_pending}
    assert set(organizations_for_staff_export(administrator)) == {
        published,
        own_pending,
        elsewhere_pending,
    }


def test_the_staff_export_is_refused_to_those_who_work_for_no_municipality(representative):
    with pytest.raises(PermissionDenied):
        organizations_for_staff_export(representative)
