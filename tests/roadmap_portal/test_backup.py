"""The backup procedure of docs/backup.md (scripts/backup, scripts/restore) loses nothing.

On PostgreSQL (what production runs): pg_dump, then pg_restore into an empty database, with
the client tools that `.ci/run` and `scripts/system-deps --browser` install. On SQLite: the
online copy of the file.
"""

import copy
import json
import sqlite3
import subprocess
import tempfile
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone
from psycopg import sql

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import current_hash
from actionplans.models import (
    ActionItem,
    CommunicationItem,
    Member,
    Partnership,
    PublicationConsent,
    SignedPdf,
)
from actionplans.services import partnership_sign
from checklists.models import Answer, RoadmapPdf, TemplateVersion
from checklists.services import (
    answer_save,
    roadmap_share,
    roadmap_start,
    roadmap_upgrade,
    template_publish,
)
from evaluation.models import (
    EvaluationReportPdf,
    EvaluationStage,
    Evidence,
    EvidenceFile,
    Kpi,
    ReminderSent,
)
from evaluation.services import measurement_enter, measurement_review
from exchange.models import ImportRecord
from orgs.models import (
    FieldOfActivity,
    MunicipalityCount,
    NeedKind,
    Organization,
    OrganizationChange,
    OrganizationClaim,
    OrganizationMove,
    StaffChange,
    TargetGroup,
)
from orgs.services import organization_reindex
from orgs.sides import Side
from orgs.taxonomies import taxonomies_load
from tests.checklists.versions import version_two
from tests.factories import (
    DepartmentFactory,
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    ServiceFactory,
    UserFactory,
)

from .production import production_environment

ROOT = settings.BASE_DIR

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore need the tests to run on PostgreSQL (DATABASE_URL); "
    "test_a_sqlite_backup_restores_into_a_new_file covers SQLite",
)
# pg_dump reads from its own connection: the data must be committed.
committed = pytest.mark.django_db(transaction=True)


def fill_every_table():
    """At least one row in every table the portal and the libraries that keep data write.

    A model added without a row here fails test_every_model_has_rows_in_the_backup_fixture.
    """
    taxonomies_load(apps)  # a transactional test starts from an emptied database
    municipality = MunicipalityFactory(name="Talsu novads", website="https://talsi.lv")
    other_municipality = MunicipalityFactory(name="Trakų rajono savivaldybė", country="LT")
    MunicipalityCount.objects.create(
        municipality=municipality, published_organizations=1, counted_at=timezone.now()
    )
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
    OrganizationMove.objects.create(
        organization=organization,
        from_municipality=municipality,
        to_municipality=other_municipality,
        requested_by=representative,
    )
    StaffChange.objects.create(
        municipality=municipality,
        kind=StaffChange.Kind.ROLE_CHANGED,
        actor=administrator,
        person=staff,
        email=staff.email,
        role="coordinator",
        previous_role="staff",
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
        form=Side.COMMUNITY, owner=organization, title="Atelpas brīži", actor=representative
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
    RoadmapPdf.objects.create(
        roadmap=roadmap,
        language="lv",
        requested_by=representative,
        status=RoadmapPdf.Status.READY,
        fingerprint="0" * 64,
        content=b"%PDF-1.7\n\x00\xff\n%%EOF\n",
        finished_at=timezone.now(),
    )

    # A roadmap moved to a newer version: its answer to a removed checkpoint (RemovedAnswer).
    moved = roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Talsu ceļvedis", actor=staff
    )
    removed = moved.answers.get(checkpoint__code="2.3")
    answer_save(
        answer=removed,
        values={"text": "Idejas no jauniešiem"},
        actor=staff,
        version=removed.version,
    )
    data = copy.deepcopy(TemplateVersion.objects.get(number=1).source)
    data["version"] = 2
    version_two(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "v2.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        two = template_publish(path=path)
    roadmap_upgrade(roadmap=moved, actor=staff, to_version=two, lock_version=moved.lock_version)

    coordinator = MunicipalityMembershipFactory(municipality=municipality, role="coordinator").user
    partnership = Partnership.objects.create(
        municipality=municipality,
        title="Atelpas brīži „kopā” & <draugi>",
        shared_result="Ģimenes saņem atbalstu\nΔήμος",
        needs={NeedKind.objects.first().slug: "telpas"},
        cooperation_forms=["premises", "other"],
        cooperation_other="Brīvprātīgie",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
        roadmap=roadmap,
        created_by=staff,
    )
    partnership.target_groups.add(TargetGroup.objects.first())
    Member.objects.create(
        partnership=partnership, role="lead_municipality", municipality=municipality
    )
    signatory = Member.objects.create(
        partnership=partnership,
        role="signatory",
        organization=organization,
        contact_name="Anna",
        contact_email="anna@example.org",
        contact_phone="+371 2000 0000",
    )
    Member.objects.create(partnership=partnership, role="implementing", name="Jauniešu grupa")
    first = ActionItem.objects.create(
        partnership=partnership,
        activity="Telpu iekārtošana",
        responsible_user=staff,
        responsible_member=signatory,
        goals="Telpas gatavas",
        starts_on=date(2027, 1, 1),
        deadline=date(2027, 2, 1),
        status="blocked",
        blocked_reason="Gaidām līgumu",
    )
    ActionItem.objects.create(
        partnership=partnership,
        position=1,
        activity="Atelpas brīži",
        responsible_name="Jānis",
        ongoing=True,
        depends_on=first,
    )
    CommunicationItem.objects.create(
        partnership=partnership,
        subject="Progress",
        audience="Vecāki",
        sender="Biedrība",
        channel="E-pasts",
        frequency="Reizi mēnesī",
        format="Vēstule",
        escalation="Zvans koordinatoram",
    )
    signature = partnership_sign(
        partnership=partnership,
        party=MUNICIPALITY_PARTY,
        signer=coordinator,
        checked_hash=current_hash(partnership),
    )
    partnership_sign(
        partnership=partnership,
        party=organization,
        signer=representative,
        checked_hash=signature.revision.content_hash,
    )
    # Signing asked for the PDF in the municipality's language (lv); made here, not printed.
    SignedPdf.objects.update_or_create(
        revision=signature.revision,
        language="lv",
        defaults={
            "status": SignedPdf.Status.READY,
            "content": b"%PDF-1.7\n\x00\xff\n%%EOF\n",
            "finished_at": timezone.now(),
        },
    )
    PublicationConsent.objects.create(partnership=partnership, given_by=coordinator)
    PublicationConsent.objects.create(
        partnership=partnership, organization=organization, given_by=representative
    )

    # The evaluation: a stage, a KPI linked to an action, a measurement approved by the
    # partner, evidence with a file, a reminder sent, an event.
    stage = EvaluationStage.objects.create(
        partnership=partnership,
        name="Starpposma izvērtēšana",
        kind="milestone",
        starts_on=date(2027, 5, 1),
        ends_on=date(2027, 5, 31),
        subjects=["communication"],
        responsible_user=staff,
        responsible_member=signatory,
    )
    kpi = Kpi.objects.create(
        partnership=partnership,
        name="Nodarbināto jauniešu īpatsvars",
        unit="%",
        decimals=1,
        direction="up",
        aggregation="latest",
        baseline_value=Decimal("40.5"),
        baseline_on=date(2026, 1, 1),
        target_value=Decimal("55"),
        target_on=date(2028, 1, 1),
    )
    kpi.actions.add(first)
    measurement = measurement_enter(
        kpi=kpi,
        party=MUNICIPALITY_PARTY,
        actor=staff,
        value=Decimal("43.2"),
        measured_on=date(2027, 1, 31),
        is_estimate=True,
    )
    measurement_review(
        measurement=measurement,
        version=measurement.version,
        approve=True,
        party=organization,
        actor=representative,
    )
    evidence = Evidence.objects.create(
        partnership=partnership,
        stage=stage,
        method="survey",
        title="Aptauja",
        gathered_on=date(2027, 5, 20),
        summary="Vecāki apmierināti.",
        participants=40,
        added_by=staff,
    )
    EvidenceFile.objects.create(
        evidence=evidence,
        name="aptauja.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        content=b"%PDF-1.7\n\x00\xff",
    )
    ReminderSent.objects.create(item="stage-1", address=staff.email, sent_at=timezone.now())
    EvaluationReportPdf.objects.create(
        partnership=partnership,
        language="lv",
        requested_by=staff,
        status=EvaluationReportPdf.Status.READY,
        fingerprint="0" * 64,
        content=b"%PDF-1.7\n\x00\xff\n%%EOF\n",
        finished_at=timezone.now(),
    )

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
        task_path="exchange.tasks.import_check",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() + timedelta(minutes=5),
        exception_class_path="",
        traceback="",
    )
    # django-axes: the lockout's counters and its logs.
    seen = {"user_agent": "Mozilla/5.0", "ip_address": "192.0.2.7", "username": staff.email}
    seen |= {"http_accept": "text/html", "path_info": "/lv/accounts/login/"}
    attempt = AccessAttempt.objects.create(
        **seen, attempt_time=timezone.now(), get_data="", post_data="", failures_since_start=2
    )
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=timezone.now() + timedelta(minutes=15)
    )
    AccessFailureLog.objects.create(**seen, attempt_time=timezone.now(), locked_out=False)
    AccessLog.objects.create(**seen, attempt_time=timezone.now(), session_hash="0" * 64)


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


def database_url(name):
    """The DATABASE_URL of the test database's server, for the database `name`."""
    database = connection.settings_dict
    user = quote(database["USER"] or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}{database['HOST'] or ''}{port}/{name}"


def script(name, *args, **environment):
    """Runs scripts/<name> with a production environment; returns its last line of output."""
    result = subprocess.run(
        [ROOT / "scripts" / name, *args],
        env=production_environment(**environment),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


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


@on_postgresql
@committed
def test_every_model_has_rows_in_the_backup_fixture():
    fill_every_table()
    empty = [model._meta.label for model in models_with_rows() if not model.objects.exists()]
    assert empty == [], f"Give these models a row in fill_every_table(): {empty}"


@on_postgresql
@committed
def test_a_dump_restored_into_an_empty_database_has_every_row_sequence_and_constraint(
    tmp_path, restored_database
):
    fill_every_table()
    original = connection.settings_dict["NAME"]
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    (media / "uploads").mkdir(parents=True)
    (media / "uploads" / "logo.svg").write_bytes(b"<svg/>")

    backup = script(
        "backup", str(tmp_path / "backups"),
        DATABASE_URL=database_url(original), MEDIA_ROOT=str(media),
    )  # fmt: skip
    script(
        "restore", backup,
        DATABASE_URL=database_url(restored_database), MEDIA_ROOT=str(restored_media),
    )  # fmt: skip

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
    assert (restored_media / "uploads" / "logo.svg").read_bytes() == b"<svg/>"


@on_postgresql
@committed
def test_a_restore_into_a_database_that_is_not_empty_changes_nothing(tmp_path):
    fill_every_table()
    url = database_url(connection.settings_dict["NAME"])
    backup = script("backup", str(tmp_path), DATABASE_URL=url)
    before = contents(connection.settings_dict["NAME"])
    result = subprocess.run(
        [ROOT / "scripts" / "restore", backup],
        env=production_environment(DATABASE_URL=url, MEDIA_ROOT=str(tmp_path / "media")),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert contents(connection.settings_dict["NAME"]) == before


def test_a_sqlite_backup_restores_into_a_new_file(tmp_path):
    # The file as the portal would have it, written while the copy is made (WAL mode).
    original = tmp_path / "portal.sqlite3"
    database = sqlite3.connect(original)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, name TEXT, content BLOB)")
    database.execute("INSERT INTO entry (name, content) VALUES ('Brīnumiņš', x'00ff')")
    database.commit()
    try:
        backup = script("backup", str(tmp_path / "backups"), DATABASE_URL=f"sqlite:///{original}")
        restored = tmp_path / "restored.sqlite3"
        script("restore", backup, DATABASE_URL=f"sqlite:///{restored}")
        copy = sqlite3.connect(restored)
        assert list(copy.iterdump()) == list(database.iterdump())
        copy.close()
        # Never over an existing file.
        result = subprocess.run(
            [ROOT / "scripts" / "restore", backup],
            env=production_environment(DATABASE_URL=f"sqlite:///{original}"),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0
        assert "exists" in result.stderr
    finally:
        database.close()
