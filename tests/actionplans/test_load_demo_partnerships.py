"""manage.py load_demo_partnerships: Talsi's demo partnership with Brīnumiņš, made once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from actionplans.models import Member, Partnership
from actionplans.services import signing_problems

pytestmark = pytest.mark.django_db


def test_it_makes_one_unsigned_partnership_the_demo_accounts_can_sign(capsys):
    call_command("load_demo_data")
    call_command("load_demo_partnerships")
    partnership = Partnership.objects.get()
    assert partnership.municipality.slug == "talsi"
    assert set(partnership.members.values_list("role", flat=True)) == {
        Member.Role.LEAD_MUNICIPALITY,
        Member.Role.LEAD_ORGANIZATION,
        Member.Role.SIGNATORY,
    }
    assert partnership.actions.count() == 4 and partnership.communications.count() == 2
    assert not partnership.revisions.exists()
    assert signing_problems(partnership) == []
    assert "created" in capsys.readouterr().out
    client = Client()
    for email in ("coordinator.talsi@example.org", "rep.brinumins@example.org"):
        client.force_login(get_user_model().objects.get(email=email))
        assert client.get(f"/en/partnerships/{partnership.pk}/").status_code == 200


def test_it_changes_nothing_when_run_again():
    call_command("load_demo_data")
    call_command("load_demo_partnerships")
    call_command("load_demo_partnerships")
    assert Partnership.objects.count() == 1
    assert Partnership.objects.get().actions.count() == 4


def test_it_needs_the_orgs_demo_data_first():
    with pytest.raises(CommandError, match="load_demo_data"):
        call_command("load_demo_partnerships")


def test_it_is_refused_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refused"):
        call_command("load_demo_partnerships")
    assert not Partnership.objects.exists()
