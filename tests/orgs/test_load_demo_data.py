import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from orgs.models import (
    Department,
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationMembership,
)

User = get_user_model()


def counts():
    return (
        Municipality.objects.count(),
        Department.objects.count(),
        Organization.objects.count(),
        User.objects.count(),
        MunicipalityMembership.objects.count(),
        OrganizationMembership.objects.count(),
    )


def test_it_loads_the_five_pilots_and_one_account_per_role(db, capsys):
    call_command("load_demo_data")

    assert set(Municipality.objects.values_list("country", flat=True)) == {
        "LV",
        "SE",
        "PT",
        "CY",
        "LT",
    }
    assert Department.objects.filter(municipality__slug="talsi").count() >= 2
    assert Organization.objects.count() >= 12
    names = set(Organization.objects.values_list("name", flat=True))
    assert any("Brīnumiņš" in name for name in names)
    assert any("Cidade Curiosa" in name for name in names)
    assert any("Σύνδεσμος" in name for name in names)
    assert any("Šviesūs" in name for name in names)
    assert any("Gårdsbageriet" in name for name in names)
    assert User.objects.get(email="admin@example.org").is_superuser
    assert MunicipalityMembership.objects.filter(
        user__email="coordinator.talsi@example.org", role="coordinator"
    ).exists()
    assert MunicipalityMembership.objects.filter(
        user__email="staff.talsi@example.org", role="staff"
    ).exists()
    assert OrganizationMembership.objects.filter(
        user__email="rep.brinumins@example.org", organization__slug="brinumins"
    ).exists()
    assert User.objects.get(email="staff.talsi@example.org").check_password("roadmap-demo-2026")
    assert "5 municipalities" in capsys.readouterr().out


def test_it_changes_nothing_when_run_again(db):
    call_command("load_demo_data")
    before = counts()
    call_command("load_demo_data")
    assert counts() == before


def test_it_is_refused_where_demo_data_is_not_allowed(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refused"):
        call_command("load_demo_data")
    assert counts() == (0, 0, 0, 0, 0, 0)
