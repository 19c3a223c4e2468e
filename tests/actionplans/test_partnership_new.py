"""actionplans:new: staff start a partnership from scratch."""

import pytest

from actionplans.models import Member, Partnership
from tests.factories import MunicipalityFactory, MunicipalityMembershipFactory

pytestmark = pytest.mark.django_db

URL = "/en/partnerships/new/"


def test_staff_start_a_partnership_and_land_on_its_task_list(client, staff, municipality):
    client.force_login(staff)
    page = client.get(URL)
    assert page.status_code == 200
    assert "novalidate" in page.content.decode()
    response = client.post(
        URL, {"municipality": municipality.pk, "title": " Kopā ", "shared_result": "Rezultāts"}
    )
    partnership = Partnership.objects.get()
    assert response["Location"] == f"/en/partnerships/{partnership.pk}/"
    assert (partnership.title, partnership.municipality, partnership.created_by) == (
        "Kopā",
        municipality,
        staff,
    )
    assert partnership.members.get().role == Member.Role.LEAD_MUNICIPALITY


def test_a_coordinator_starts_one_too(client, coordinator, municipality):
    client.force_login(coordinator)
    client.post(URL, {"municipality": municipality.pk, "title": "K", "shared_result": "R"})
    assert Partnership.objects.get().municipality == municipality


def test_a_missing_title_shows_the_error_summary_and_keeps_what_was_typed(
    client, staff, municipality
):
    client.force_login(staff)
    response = client.post(
        URL, {"municipality": municipality.pk, "title": "", "shared_result": "Mans <b>teksts</b>"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert "Enter a title for the partnership" in page
    assert "Mans &lt;b&gt;teksts&lt;/b&gt;" in page
    assert not Partnership.objects.exists()


def test_nobody_starts_one_for_a_municipality_they_do_not_work_for(client, staff):
    elsewhere = MunicipalityFactory()
    client.force_login(staff)
    response = client.post(URL, {"municipality": elsewhere.pk, "title": "K", "shared_result": "R"})
    assert response.status_code == 200
    assert "Choose the municipality of the partnership" in response.content.decode()
    assert not Partnership.objects.exists()


def test_a_garbled_municipality_is_a_form_error_not_a_crash(client, staff):
    client.force_login(staff)
    response = client.post(URL, {"municipality": "x'; --", "title": "K", "shared_result": "R"})
    assert response.status_code == 200
    assert not Partnership.objects.exists()


def test_someone_who_works_for_no_municipality_gets_403_with_the_reason(
    client, representative, outsider
):
    for user in (representative, outsider):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 403
        assert "started by the staff of a municipality" in response.content.decode()


def test_staff_of_two_municipalities_choose_which(client, staff, municipality):
    other = MunicipalityMembershipFactory(user=staff).municipality
    client.force_login(staff)
    page = client.get(URL).content.decode()
    assert municipality.name in page and other.name in page


def test_the_page_takes_only_get_and_post(client, staff):
    client.force_login(staff)
    assert client.put(URL).status_code == 405


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(URL)["Location"].startswith("/en/accounts/login/")
