"""Every paged list answers whatever its page parameter says: a number out of range, not a
number, very long or with control characters show the nearest page, never an error."""

import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["abc", "-3", "0", "2.5", "1e9", "9" * 40, "\x00", "１", "1; DROP TABLE x", ""]


@pytest.fixture
def lists(organization):
    """Each list page with its page parameters (roadmap_portal.lib.pagination.paginate)."""
    history = reverse("orgs:history", kwargs={"slug": organization.slug})
    staff = reverse("orgs:staff", kwargs={"slug": organization.home_municipality.slug})
    return [
        (reverse("orgs:directory"), ["page"]),
        (reverse("orgs:moderation"), ["entries", "claims", "moves"]),
        (reverse("my_work"), ["queue_entries", "queue_claims", "queue_moves", "organizations"]),
        (history, ["page"]),
        (staff, ["changes"]),
        (reverse("exchange:import"), ["page"]),
        (reverse("checklists:list"), ["mine", "shared"]),
        (reverse("actionplans:list"), ["page"]),
        (reverse("actionplans:public_list"), ["page"]),
    ]


def test_no_page_parameter_breaks_a_list(client, administrator, organization, lists):
    for number in range(3):
        OrganizationFactory(home_municipality=organization.home_municipality, name=f"Org {number}")
    client.force_login(administrator)
    for url, params in lists:
        for param in params:
            for value in HOSTILE:
                response = client.get(url, {param: value, "q": "org"})
                assert response.status_code == 200, (url, param, value, response.status_code)
