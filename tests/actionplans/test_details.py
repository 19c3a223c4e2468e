"""actionplans:details: every detail on one page, locked, with a conflict shown."""

import pytest

from actionplans.models import PartnershipEvent
from orgs.models import NeedKind, TargetGroup
from tests.factories import OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def url(partnership):
    return f"/en/partnerships/{partnership.pk}/details/"


def data(partnership, **changes):
    return {
        "version": partnership.version,
        "title": partnership.title,
        "shared_result": partnership.shared_result,
        "status": "draft",
        **changes,
    }


def test_a_member_sees_every_field_with_optional_ones_said_so(client, staff, partnership):
    client.force_login(staff)
    page = client.get(url(partnership)).content.decode()
    for label in (
        "Shared strategy (optional)",
        "Agreed roles and responsibilities (optional)",
        "Compatible policies and procedures (optional)",
        "Monitoring and communication of results (optional)",
        "Target groups (optional)",
        "Forms of cooperation (optional)",
        "Start date (optional)",
        "End date (optional)",
        NeedKind.objects.first().name,
    ):
        assert label in page
    assert 'value="Atelpas brīži"' in page
    assert "novalidate" in page


def test_a_representative_of_a_partner_saves_the_details(client, partnership, organization):
    representative = OrganizationMembershipFactory(organization=organization).user
    youth = TargetGroup.objects.get(slug="youth")
    need = NeedKind.objects.first()
    client.force_login(representative)
    response = client.post(
        url(partnership),
        data(
            partnership,
            strategy="Kopā",
            target_groups=[youth.pk],
            cooperation_forms=["grants", "other"],
            cooperation_other="Brīvprātīgie",
            **{f"need_{need.slug}": "Telpas"},
            starts_on="2026-02-01",
            ends_on="2026-12-31",
            status="active",
        ),
    )
    assert response["Location"] == partnership.get_absolute_url()
    partnership.refresh_from_db()
    assert partnership.strategy == "Kopā"
    assert partnership.cooperation_forms == ["grants", "other"]
    assert partnership.cooperation_other == "Brīvprātīgie"
    assert partnership.needs == {need.slug: "Telpas"}
    assert str(partnership.ends_on) == "2026-12-31"
    assert list(partnership.target_groups.all()) == [youth]
    assert partnership.events.filter(kind=PartnershipEvent.Kind.DETAILS_SAVED).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title for the partnership"),
        ({"title": "x" * 201}, "The title must be 200 characters or fewer"),
        ({"title": "Two\nlines"}, ""),
        ({"shared_result": ""}, "Enter the shared result the partnership aims at"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-30"}, "The end date must be the same"),
        ({"starts_on": "2026-13-45"}, "Enter the start date as a real date"),
        ({"cooperation_forms": ["other"]}, "Say what the other form of cooperation is"),
        ({"cooperation_forms": ["bribery"]}, "Choose forms of cooperation from the list"),
        ({"target_groups": ["x"]}, ""),
        ({"status": "lost"}, "Choose the status of the partnership"),
        ({"version": "abc"}, "This page is incomplete or out of date"),
    ],
)
def test_bad_input_is_shown_with_the_error_summary_and_changes_nothing(
    client, staff, partnership, changes, message
):
    client.force_login(staff)
    response = client.post(url(partnership), data(partnership, strategy="Mans <i>", **changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert message in page
    assert "Mans &lt;i&gt;" in page
    partnership.refresh_from_db()
    assert (partnership.strategy, partnership.version) == ("", 1)


def test_a_second_editor_sees_the_conflict_and_what_the_other_saved(
    client, staff, coordinator, partnership
):
    client.force_login(coordinator)
    client.post(url(partnership), data(partnership, strategy="Koordinatora <b>plāns</b>"))
    client.force_login(staff)
    response = client.post(url(partnership), data(partnership, strategy="Mans plāns"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved the details while you were editing" in page
    assert "Koordinatora &lt;b&gt;plāns&lt;/b&gt;" in page
    assert "Mans plāns" in page
    assert 'name="version" id="id_version" value="2"' in page
    partnership.refresh_from_db()
    assert partnership.strategy == "Koordinatora <b>plāns</b>"


def test_an_outsider_gets_404(client, outsider, other_representative, partnership):
    for user in (outsider, other_representative):
        client.force_login(user)
        assert client.get(url(partnership)).status_code == 404
        assert client.post(url(partnership), data(partnership)).status_code == 404


def test_the_page_takes_only_get_and_post(client, staff, partnership):
    client.force_login(staff)
    assert client.put(url(partnership)).status_code == 405


@pytest.fixture
def other_representative(municipality):
    return OrganizationMembershipFactory(organization__home_municipality=municipality).user


def test_a_change_made_from_check_your_answers_returns_there(client, staff, partnership):
    client.force_login(staff)
    check = f"/en/partnerships/{partnership.pk}/check/"
    assert f'href="{url(partnership)}?from=check"' in client.get(check).content.decode()
    response = client.post(f"{url(partnership)}?from=check", data(partnership, strategy="Kopā"))
    assert response.status_code == 302 and response["Location"] == check
    # Anything else in `from` is not an address to go to: the task list, as usual.
    elsewhere = client.post(
        f"{url(partnership)}?from=https://example.com/", data(partnership, version=2)
    )
    assert elsewhere["Location"] == partnership.get_absolute_url()
