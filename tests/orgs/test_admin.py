import pytest

from orgs.models import OrganizationChange

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "orgs/organization/",
        "orgs/municipality/",
        "orgs/organizationchange/",
        "orgs/organizationclaim/",
        "orgs/fieldofactivity/",
        "orgs/needkind/",
        "accounts/user/",
    ],
)
def test_administrators_open_every_list(client, administrator, organization, path):
    client.force_login(administrator)
    assert client.get(f"/en/admin/{path}").status_code == 200


def test_the_history_cannot_be_edited_in_the_admin(client, administrator, organization):
    change = OrganizationChange.objects.create(organization=organization, fields={})
    client.force_login(administrator)
    response = client.post(
        f"/en/admin/orgs/organizationchange/{change.pk}/change/", {"fields": "{}"}
    )
    assert response.status_code in (403, 200)
    change.refresh_from_db()
    assert change.fields == {}


def test_staff_and_representatives_have_no_admin(client, staff, representative):
    for user in (staff, representative):
        client.force_login(user)
        assert client.get("/en/admin/").status_code == 302
