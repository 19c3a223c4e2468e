"""The import's management commands (exchange/management/commands/)."""

import io

import pytest
from django.core.management import CommandError, call_command

from orgs.models import (
    Organization,
)
from tests.exchange.helpers import (
    csv_bytes,
    lose_the_write,
    package,
    zip_of,
)
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def test_the_command_reports_rows_and_fails_when_one_is_refused(tmp_path, municipality, capsys):
    path = tmp_path / "dati.csv"
    path.write_bytes(
        csv_bytes(
            [["Name", "Home municipality"], ["Biedrība A", "Talsu novads"], ["", "Talsu novads"]]
        )
    )
    with pytest.raises(CommandError):
        call_command("import_organizations", str(path), "--all-or-nothing")
    out = capsys.readouterr().out
    assert "row 3\terror" in out and "nothing written" in out
    assert Organization.objects.count() == 0


def test_the_command_counts_what_the_database_holds_after_the_write(
    tmp_path, municipality, monkeypatch, capsys
):
    entry = OrganizationFactory(home_municipality=municipality)
    path = tmp_path / "d.csv"
    path.write_bytes(
        csv_bytes([["Name", "Home municipality", "Phone"], [entry.name, "Talsu novads", "1"]])
    )
    lose_the_write(monkeypatch)
    call_command("import_organizations", str(path))
    out = capsys.readouterr().out
    assert "(written)" not in out and "(nothing written)" in out
    assert "the database holds 0 new and 0 updated ones" in out


def test_export_hsds_writes_the_published_directory(tmp_path, directory):
    target = tmp_path / "hsds.zip"
    out = io.StringIO()
    call_command("export_hsds", str(target), stdout=out)
    tables, _ = package(target.read_bytes())
    assert len(tables["organizations.csv"][1]) == 2
    assert "organization: 2" in out.getvalue() and "service: 3" in out.getvalue()


def test_import_hsds_dry_run_reports_rows_and_writes_nothing(tmp_path, municipality, staff):
    target = tmp_path / "package.zip"
    target.write_bytes(
        zip_of(
            {
                "organizations.csv": "id,name\no1,Biedrība A\no2,Biedrība B\n",
                "phones.csv": "id,service_id,number\np1,s1,123\n",
            }
        )
    )
    out = io.StringIO()
    call_command(
        "import_hsds",
        str(target),
        "--municipality",
        municipality.slug,
        "--dry-run",
        "--as-user",
        staff.email,
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[2] == (
        "note\tphones.csv row 2: service_id s1 is not in the package; the row was skipped."
    )
    assert "row 2\tnew\tBiedrība A" in lines and "row 3\tnew\tBiedrība B" in lines
    assert lines[-1] == "new: 2 (nothing written)"
    assert not Organization.objects.exists()


def test_import_hsds_fails_when_a_row_is_refused(tmp_path, municipality):
    (tmp_path / "organizations.csv").write_text("id,name\no1,\no2,Biedrība B\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_hsds", str(tmp_path), "--municipality", "talsi", stdout=out)
    assert "row 2\terror" in out.getvalue()
    assert "(written)" in out.getvalue()


def test_import_hsds_needs_a_municipality_and_a_package(tmp_path, municipality):
    (tmp_path / "organizations.csv").write_text("id,name\no1,Biedrība A\n")
    with pytest.raises(CommandError, match="--municipality"):
        call_command("import_hsds", str(tmp_path))
    with pytest.raises(CommandError, match="No municipality nowhere"):
        call_command("import_hsds", str(tmp_path), "--municipality", "nowhere")
    with pytest.raises(CommandError, match="not a zip archive"):
        (tmp_path / "x.zip").write_bytes(b"garbage")
        call_command("import_hsds", str(tmp_path / "x.zip"), "--municipality", "talsi")
    assert not Organization.objects.exists()
