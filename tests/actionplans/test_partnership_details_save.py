"""actionplans.services.partnership_details_save: saved whole, locked, its changes recorded."""

import datetime

import pytest

from actionplans.models import PartnershipEvent
from actionplans.services import partnership_details_save
from orgs.models import TargetGroup
from roadmap_portal.lib.locking import Conflict

pytestmark = pytest.mark.django_db


def values(**changes):
    return {
        "title": "Atelpas brīži",
        "shared_result": "Ģimenes saņem atelpas brīžus.",
        "strategy": "Kopīga stratēģija",
        "status": "active",
        "starts_on": datetime.date(2026, 1, 1),
        **changes,
    }


def test_the_details_are_saved_the_version_bumped_and_the_changes_recorded(partnership, staff):
    youth = TargetGroup.objects.get(slug="youth")
    saved = partnership_details_save(
        partnership=partnership,
        values=values(target_groups=[youth]),
        version=1,
        actor=staff,
    )
    partnership.refresh_from_db()
    assert (partnership.strategy, partnership.status, partnership.version) == (
        "Kopīga stratēģija",
        "active",
        2,
    )
    assert saved.version == 2
    assert list(partnership.target_groups.all()) == [youth]
    event = partnership.events.get(kind=PartnershipEvent.Kind.DETAILS_SAVED)
    assert event.actor == staff
    assert event.fields["strategy"] == {"old": "", "new": "Kopīga stratēģija"}
    assert event.fields["target_groups"] == {"old": [], "new": [youth.pk]}
    assert "title" not in event.fields


def test_a_save_from_an_older_version_is_a_conflict_and_changes_nothing(partnership, staff):
    partnership_details_save(
        partnership=partnership, values=values(strategy="Pirmais"), version=1, actor=staff
    )
    with pytest.raises(Conflict) as raised:
        partnership_details_save(
            partnership=partnership, values=values(strategy="Otrais"), version=1, actor=staff
        )
    assert raised.value.current.strategy == "Pirmais"
    partnership.refresh_from_db()
    assert (partnership.strategy, partnership.version) == ("Pirmais", 2)
    assert partnership.events.filter(kind=PartnershipEvent.Kind.DETAILS_SAVED).count() == 1


def test_saving_the_same_details_again_records_no_event(partnership, staff):
    same = values(strategy="", status="draft", starts_on=None)
    partnership_details_save(partnership=partnership, values=same, version=1, actor=staff)
    assert not partnership.events.filter(kind=PartnershipEvent.Kind.DETAILS_SAVED).exists()


def test_the_details_do_not_conflict_with_the_partners_page(partnership, staff):
    type(partnership).objects.filter(pk=partnership.pk).update(members_version=5)
    partnership_details_save(partnership=partnership, values=values(), version=1, actor=staff)
