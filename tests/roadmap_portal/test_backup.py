"""The backup procedure of docs/backup.md: pg_dump, then pg_restore into an empty database,
loses nothing. On PostgreSQL only (what production runs), with the client tools that
`.ci/run` and `scripts/system-deps --browser` install."""

import os
import shutil
import subprocess
import uuid
from datetime import timedelta

import psycopg
import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone
from psycopg import sql

from checklists.models import Answer, Form
from checklists.services import answer_save, roadmap_share, roadmap_start, template_publish
from orgs.models import (
    FieldOfActivity,
    ImportRecord,
    NeedKind,
    Organization,
    OrganizationChange,
    OrganizationClaim,
    TargetGroup,
)
from orgs.services import organization_reindex
from orgs.taxonomies import taxonomies_load
from tests.factories import (
    DepartmentFactory,
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the backup procedure is PostgreSQL's pg_dump and pg_restore; "
        "SQLite installs copy the file with `sqlite3 .backup` (docs/backup.md)",
    ),
    # pg_dump reads from its own connection: the data must be committed.
    pytest.mark.django_db(transaction=True),
]


def fill_every_table():
    """At least one row in every table the portal and the libraries that keep data write.

    A model added without a row here fails test_every_model_has_rows_in_the_backup_fixture.
    """
    taxonomies_load(apps)  # a transactional test starts from an emptied database
    municipality = MunicipalityFactory(name="Talsu novads", website="https://talsi.lv")
    other_municipality = MunicipalityFactory(name="Trakų rajono savivaldybė", country="LT")
    department = DepartmentFactory(municipality=municipality, name="Sociālais dienests")
    staff = MunicipalityMembershipFactory(municipality=municipality).user
    administrator = UserFactory(is_superuser=True, is_staff=True, full_name="Ādmins")
    organization = OrganizationFactory(
        name="Biedrība „Brīnumiņš” & <draugi>",
        home_municipality=municipality,
        description="Līnija 1\nΔήμος\ttab 'quote' \"double\" \\ backslash",
        languages=["lv", "en"],
        year_founded=2004,
    )
    organization.municipalities_served.add(other_municipality)
    organization.fields_of_activity.add(FieldOfActivity.objects.first())
    organization.target_groups.add(TargetGroup.objects.first())
    organization.offers.add(NeedKind.objects.first())
    organization.seeks.add(NeedKind.objects.last())
    organization_reindex(organization=organization)
    representative = OrganizationMembershipFactory(organization=organization).user
    ServiceFactory(organization=organization, description="Bērnu dienas centrs")
    OrganizationChange.objects.create(
        organization=organization,
        actor=representative,
        fields={"name": {"old": "Brīnumiņš", "new": organization.name}},
    )
    OrganizationClaim.objects.create(
        organization=organization, user=UserFactory(), message="Esmu valdes locekle."
    )
    ImportRecord.objects.create(
        created_by=staff,
        municipality=municipality,
        filename="dati.csv",
        checksum="0" * 64,
        content=b"Name\n\x00\xff binary \xe2\x80\x9c\n",
        counts={"new": 1},
    )

    template_publish()
    roadmap = roadmap_start(
        form=Form.COMMUNITY, owner=organization, title="Atelpas brīži", actor=representative
    )
    answer = Answer.objects.filter(roadmap=roadmap).first()
    answer_save(
        answer=answer,
        values={
            "text": "Mūsu mērķis",
            "needs": {NeedKind.objects.first().slug: "telpas"},
            "department_id": department.pk,
            "target_groups": [TargetGroup.objects.first().pk],
            "organizations": [organization.pk],
        },
        actor=representative,
        version=answer.version,
    )
    roadmap_share(roadmap=roadmap, municipality=municipality, actor=representative)

    group = Group.objects.create(name="Redaktori")
    group.permissions.add(Permission.objects.first())
    staff.groups.add(group)
    staff.user_permissions.add(Permission.objects.last())
    LogEntry.objects.create(
        user=administrator,
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=str(organization.pk),
        object_repr=str(organization),
        action_flag=ADDITION,
        change_message="[]",
    )
    session = SessionStore()
    session["_auth_user_id"] = str(representative.pk)
    session.create()
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.create(
        id=uuid.uuid4(),
        args_kwargs={"args": [], "kwargs": {"organization_id": organization.pk}},
        task_path="orgs.tasks.import_check",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() + timedelta(minutes=5),
        exception_class_path="",
        traceback="",
    )


def models_with_rows():
    """Every concrete model's table, the many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def database_connection(name):
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


def client_environment():
    settings = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings[key]:
            environment[variable] = str(settings[key])
    if settings["PASSWORD"]:
        environment["PGPASSWORD"] = settings["PASSWORD"]
    return environment


def run(*command):
    tool = shutil.which(command[0])
    assert tool, (
        f"{command[0]} is missing: install postgresql-client (scripts/system-deps --browser)"
    )
    subprocess.run([tool, *command[1:]], env=client_environment(), check=True)


def contents(name):
    """Each table's row count and a checksum of its rows in a fixed order, each sequence's
    position, and the schema's constraints, indexes and triggers."""
    with database_connection(name) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = {}
        for (table,) in cursor.fetchall():
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                    "ORDER BY t::text COLLATE \"C\"), '')) FROM {} AS t"
                ).format(sql.Identifier(table))
            )
            tables[table] = cursor.fetchone()
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        )
        sequences = dict(cursor.fetchall())
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE NOT tgisinternal ORDER BY 1"
        )
        triggers = cursor.fetchall()
        cursor.execute("SELECT extname FROM pg_extension ORDER BY 1")
        extensions = cursor.fetchall()
    return {
        "tables": tables,
        "sequences": sequences,
        "constraints": constraints,
        "indexes": indexes,
        "triggers": triggers,
        "extensions": extensions,
    }


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with database_connection("postgres") as database:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        database.execute(drop)
        # Empty, as docs/backup.md creates it: template0 has nothing of template1's.
        database.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
        )
        try:
            yield name
        finally:
            database.execute(drop)


def test_every_model_has_rows_in_the_backup_fixture():
    fill_every_table()
    empty = [model._meta.label for model in models_with_rows() if not model.objects.exists()]
    assert empty == [], f"Give these models a row in fill_every_table(): {empty}"


def test_a_dump_restored_into_an_empty_database_has_every_row_sequence_and_constraint(
    tmp_path, restored_database
):
    fill_every_table()
    original = connection.settings_dict["NAME"]
    dump = tmp_path / "portal.dump"

    # The commands of docs/backup.md.
    run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", original)
    run("pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
        f"--dbname={restored_database}", str(dump))  # fmt: skip

    before, after = contents(original), contents(restored_database)
    for model in models_with_rows():
        count, _checksum = before["tables"][model._meta.db_table]
        assert count > 0, model._meta.label
    assert after["tables"] == before["tables"]
    assert after["sequences"] == before["sequences"]
    assert any(position for position in before["sequences"].values())
    assert after["constraints"] == before["constraints"]
    assert after["indexes"] == before["indexes"]
    assert after["triggers"] == before["triggers"]
    assert after["extensions"] == before["extensions"]
