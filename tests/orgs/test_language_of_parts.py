"""WCAG 3.1.2 on the directory's pages: a taxonomy name with no text in the page's language
shows the fallback's, marked with that language."""

import pytest

from orgs.models import FieldOfActivity, TargetGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_only():
    """A target group and a field of activity named in English only."""
    return (
        TargetGroup.objects.create(slug="pilot-carers", name_en="Carers"),
        FieldOfActivity.objects.create(slug="pilot-birds", name_en="Birdwatching"),
    )


def test_the_organization_page_marks_an_english_name_on_a_greek_page(
    client, organization, english_only
):
    group, field = english_only
    organization.target_groups.add(group)
    organization.fields_of_activity.add(field)
    page = client.get(f"/el/organizations/{organization.slug}/").text
    assert '<span lang="en">Carers</span>' in page
    assert '<span lang="en">Birdwatching</span>' in page


def test_the_registration_form_marks_its_checkbox_labels(client, municipality, english_only):
    page = client.get("/lt/organizations/register/").text
    assert '<span lang="en">Carers</span>' in page
    assert "&lt;span" not in page


def test_the_directory_filters_mark_the_option(client, organization, english_only):
    group, _field = english_only
    page = client.get("/sv/organizations/").text
    assert f'<option value="{group.pk}" lang="en">Carers</option>' in page


def test_a_name_in_the_page_language_is_not_marked(client, organization, english_only):
    page = client.get("/en/organizations/").text
    assert ">Carers</option>" in page
    assert 'lang="en">Carers' not in page
