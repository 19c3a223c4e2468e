"""What a revision freezes: actionplans.content.partnership_content."""

from datetime import date

import pytest

from actionplans.content import current_hash, partnership_content
from actionplans.models import ActionItem, PartnershipRevision
from tests.factories import (
    ActionItemFactory,
    CommunicationItemFactory,
    MemberFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(municipality, organization):
    partnership = PartnershipFactory(municipality=municipality, starts_on=date(2027, 1, 4))
    MemberFactory(
        partnership=partnership,
        organization=organization,
        contact_email="anna@example.org",
        contact_phone="+371 2000 0000",
    )
    first = ActionItemFactory(partnership=partnership, position=0, deadline=date(2027, 2, 1))
    ActionItemFactory(partnership=partnership, position=1, depends_on=first)
    CommunicationItemFactory(partnership=partnership)
    return partnership


def test_the_hash_of_stored_content_read_back_equals_the_hash_made_now(partnership):
    revision = PartnershipRevision(
        partnership=partnership, number=1, content=partnership_content(partnership)
    ).freeze()
    revision.save()
    revision.refresh_from_db()
    assert revision.is_intact
    assert revision.content_hash == current_hash(partnership)


def test_rows_are_numbered_in_their_order_and_a_dependency_names_the_row_number(partnership):
    actions = partnership_content(partnership)["actions"]
    assert [a["number"] for a in actions] == [1, 2]
    assert actions[1]["depends_on"] == 1
    assert actions[0]["deadline"] == "2027-02-01"


def test_contact_details_and_progress_are_left_out(partnership):
    before = current_hash(partnership)
    text = str(partnership_content(partnership))
    assert "anna@example.org" not in text and "2000 0000" not in text
    ActionItem.objects.filter(partnership=partnership).update(
        status="blocked", blocked_reason="Gaidām līgumu"
    )
    assert current_hash(partnership) == before


def test_a_changed_activity_changes_the_hash(partnership):
    before = current_hash(partnership)
    ActionItem.objects.filter(partnership=partnership, position=0).update(activity="Cits")
    assert current_hash(partnership) != before


def test_moving_a_row_changes_the_hash(partnership):
    before = current_hash(partnership)
    ActionItem.objects.filter(partnership=partnership, position=0).update(position=5)
    assert current_hash(partnership) != before


def test_the_content_takes_the_same_queries_for_two_rows_as_for_twenty(
    partnership, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6) as few:
        partnership_content(partnership)
    for position in range(2, 20):
        ActionItemFactory(partnership=partnership, position=position)
        CommunicationItemFactory(partnership=partnership)
    with django_assert_max_num_queries(len(few.captured_queries)):
        partnership_content(partnership)
