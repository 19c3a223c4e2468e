"""The evaluation stages' pages (evaluation/views/stages.py): the list, a new stage, a saved
one, removing one."""

from datetime import date, timedelta

import pytest

from evaluation.models import MAX_STAGES, EvaluationStage
from tests.factories import (
    EvaluationStageFactory,
    MemberFactory,
    MunicipalityFactory,
    PartnershipFactory,
)

from .conftest import url_of

pytestmark = pytest.mark.django_db

# The session and the user; the partnership with its municipality; the parties the user
# acts for (two); the stages with their responsible people and partners;
# the header's moderation badge (two).
LIST_QUERIES = 8


def form_data(**changes):
    return {
        "name": "Vidusposma izvērtēšana",
        "kind": "milestone",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-31",
        "status": "planned",
        "subjects": ["communication", "decision_making"],
        "questions": "Vai ģimenes saņem atelpu?",
        "findings": "",
        "responsible_user": "",
        "responsible_member": "",
    } | changes


def test_the_list_shows_the_stages_by_date_with_due_and_overdue_in_words(
    client, staff, partnership
):
    today = partnership.local_today()
    EvaluationStageFactory(partnership=partnership, name="Vēlāk", ends_on=today + timedelta(99))
    EvaluationStageFactory(partnership=partnership, name="Nokavēta", ends_on=today - timedelta(1))
    EvaluationStageFactory(
        partnership=partnership,
        name="Drīz",
        starts_on=today - timedelta(10),
        ends_on=today + timedelta(3),
        subjects=["communication"],
    )
    EvaluationStageFactory(
        partnership=partnership, name="Pabeigta", ends_on=today - timedelta(5), status="done"
    )
    client.force_login(staff)
    response = client.get(url_of("stages", pk=partnership.pk))
    assert [s.name for s in response.context["stages"]] == [
        "Pabeigta",
        "Nokavēta",
        "Drīz",
        "Vēlāk",
    ]
    by_name = {s.name: s for s in response.context["stages"]}
    assert by_name["Nokavēta"].overdue and not by_name["Pabeigta"].overdue
    assert by_name["Drīz"].due and not by_name["Vēlāk"].due
    page = response.content.decode()
    assert "Overdue" in page and "Due within 7 days" in page and "Communication" in page
    assert "Add a stage" in page


def test_the_number_of_queries_does_not_grow_with_the_stages(
    client, staff, partnership, django_assert_num_queries
):
    client.force_login(staff)
    url = url_of("stages", pk=partnership.pk)
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url)
    member = partnership.members.first()
    for _ in range(5):
        EvaluationStageFactory(
            partnership=partnership, responsible_user=staff, responsible_member=member
        )
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(url).context["stages"]) == 5


def test_at_most_the_most_stages_no_add_button(client, staff, partnership, english):
    EvaluationStageFactory.create_batch(MAX_STAGES, partnership=partnership)
    client.force_login(staff)
    page = client.get(url_of("stages", pk=partnership.pk)).content.decode()
    assert "Add a stage" not in page
    response = client.post(url_of("stage_new", pk=partnership.pk), form_data())
    assert response.status_code == 200
    assert "at most 50" in response.content.decode()
    assert partnership.evaluation_stages.count() == MAX_STAGES


def test_a_representative_adds_a_stage_with_a_responsible_partner(
    client, representative, partnership
):
    member = partnership.members.get(organization__isnull=False)
    client.force_login(representative)
    response = client.post(
        url_of("stage_new", pk=partnership.pk),
        form_data(responsible_member=member.pk, responsible_user=representative.pk),
    )
    assert response.status_code == 302
    assert response["Location"] == url_of("stages", pk=partnership.pk)
    stage = partnership.evaluation_stages.get()
    assert (stage.kind, stage.starts_on, stage.ends_on) == (
        "milestone",
        date(2027, 3, 1),
        date(2027, 3, 31),
    )
    assert stage.subjects == ["communication", "decision_making"]
    assert (stage.responsible_member, stage.responsible_user) == (member, representative)


def test_a_day_is_a_stage_without_a_start(client, staff, partnership):
    client.force_login(staff)
    client.post(url_of("stage_new", pk=partnership.pk), form_data(starts_on=""))
    client.post(
        url_of("stage_new", pk=partnership.pk),
        form_data(name="Viena diena", starts_on="2027-05-05", ends_on="2027-05-05"),
    )
    assert [s.starts_on for s in partnership.evaluation_stages.all()] == [None, None]


def test_the_people_and_partners_of_another_partnership_are_refused(
    client, staff, partnership, english
):
    other = PartnershipFactory(municipality=MunicipalityFactory())
    other_member = MemberFactory(partnership=other)
    client.force_login(staff)
    for field, value in (("responsible_member", other_member.pk), ("responsible_user", 10**6)):
        response = client.post(url_of("stage_new", pk=partnership.pk), form_data(**{field: value}))
        assert response.status_code == 200
        assert response.context["form"].errors[field]
    assert not partnership.evaluation_stages.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the name of the stage"),
        ({"name": "x" * 100_000}, "name", "200 characters or fewer"),
        ({"name": "Divas\nrindas"}, "name", "one line"),
        ({"name": "NUL\x00"}, "name", "Null characters are not allowed"),
        ({"questions": "x" * 100_000}, "questions", "5,000 characters or fewer"),
        ({"findings": "a\x00b"}, "findings", "Null characters are not allowed"),
        ({"ends_on": ""}, "ends_on", "Enter the date of the stage"),
        ({"ends_on": "rīt"}, "ends_on", "real date"),
        ({"ends_on": "2027-02-30"}, "ends_on", "real date"),
        ({"ends_on": "9" * 100_000}, "ends_on", "real date"),
        ({"starts_on": "\x00"}, "starts_on", "real date"),
        ({"ends_on": "2027-02-01"}, "ends_on", "after its start"),
        ({"kind": "never"}, "kind", "Choose when"),
        ({"status": ""}, "status", "Choose the status"),
        ({"subjects": ["gossip"]}, "subjects", "Choose from the list"),
        ({"responsible_user": "Anna"}, "responsible_user", "out of date"),
        ({"responsible_member": "10" * 20}, "responsible_member", "out of date"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(
    client, staff, partnership, english, changes, field, message
):
    client.force_login(staff)
    response = client.post(url_of("stage_new", pk=partnership.pk), form_data(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert "There is a problem" in page and "<title>Error:" in page
    assert not EvaluationStage.objects.exists()


def test_a_stage_is_changed_at_the_version_loaded(client, staff, partnership):
    stage = EvaluationStageFactory(partnership=partnership)
    client.force_login(staff)
    url = url_of("stage", pk=partnership.pk, stage=stage.pk)
    assert client.get(url).context["form"]["version"].value() == 1
    response = client.post(url, form_data(version=1, status="done", findings="Izdevās."))
    assert response.status_code == 302
    stage.refresh_from_db()
    assert (stage.status, stage.findings, stage.version) == ("done", "Izdevās.", 2)


def test_a_second_editor_sees_the_conflict_with_their_own_text_kept(
    client, staff, representative, partnership, english
):
    stage = EvaluationStageFactory(partnership=partnership, name="Sākums")
    url = url_of("stage", pk=partnership.pk, stage=stage.pk)
    client.force_login(representative)
    client.post(url, form_data(version=1, name="Pārstāvja"))
    client.force_login(staff)
    response = client.post(url, form_data(version=1, name="Darbinieka"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this stage while you were editing" in page
    assert 'value="Darbinieka"' in page  # their own text
    assert "Pārstāvja" in page  # what is saved now
    assert response.context["version"] == 2
    stage.refresh_from_db()
    assert stage.name == "Pārstāvja"


def test_a_page_without_its_version_is_out_of_date(client, staff, partnership, english):
    stage = EvaluationStageFactory(partnership=partnership, name="Sākums")
    client.force_login(staff)
    response = client.post(url_of("stage", pk=partnership.pk, stage=stage.pk), form_data())
    assert response.status_code == 200
    assert "out of date" in response.content.decode()
    stage.refresh_from_db()
    assert stage.name == "Sākums"


def test_removing_asks_first_then_removes(client, staff, partnership, english):
    stage = EvaluationStageFactory(partnership=partnership, name="Liekā")
    client.force_login(staff)
    url = url_of("stage_delete", pk=partnership.pk, stage=stage.pk)
    assert "Remove the evaluation stage “Liekā”?" in client.get(url).content.decode()
    assert EvaluationStage.objects.filter(pk=stage.pk).exists()
    response = client.post(url)
    assert response["Location"] == url_of("stages", pk=partnership.pk)
    assert not EvaluationStage.objects.filter(pk=stage.pk).exists()


def test_a_stage_of_another_partnership_is_not_found(client, staff, partnership):
    other = EvaluationStageFactory(
        partnership=PartnershipFactory(municipality=partnership.municipality)
    )
    client.force_login(staff)
    for name in ("stage", "stage_delete"):
        assert client.get(url_of(name, pk=partnership.pk, stage=other.pk)).status_code == 404
    assert client.post(url_of("stage_delete", pk=partnership.pk, stage=other.pk)).status_code == 404
    assert EvaluationStage.objects.filter(pk=other.pk).exists()


def test_an_outsider_gets_404(client, outsider, other_representative, partnership):
    stage = EvaluationStageFactory(partnership=partnership)
    for user in (outsider, other_representative):
        client.force_login(user)
        assert client.get(url_of("stages", pk=partnership.pk)).status_code == 404
        assert client.get(url_of("stage_new", pk=partnership.pk)).status_code == 404
        assert (
            client.post(url_of("stage_delete", pk=partnership.pk, stage=stage.pk)).status_code
            == 404
        )
    assert EvaluationStage.objects.filter(pk=stage.pk).exists()


def test_the_wrong_method_is_405(client, staff, partnership):
    stage = EvaluationStageFactory(partnership=partnership)
    client.force_login(staff)
    assert client.post(url_of("stages", pk=partnership.pk)).status_code == 405
    assert client.put(url_of("stage_new", pk=partnership.pk)).status_code == 405
    assert client.delete(url_of("stage", pk=partnership.pk, stage=stage.pk)).status_code == 405
