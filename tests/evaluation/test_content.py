"""The evaluation plan in what a revision freezes (evaluation/content.py): stages and KPI
definitions are signed; measurements, a stage's progress and evidence are not, and a
partnership without an evaluation hashes as it did before the section existed."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from actionplans import content as actionplans_content
from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import (
    Section,
    content_changes,
    current_hash,
    partnership_content,
    register_section,
)
from actionplans.pdf import RevisionPrint
from evaluation.models import EvaluationStage
from evaluation.services import measurement_enter, measurement_review
from tests.actionplans.signoff_helpers import sign_by_both, signable_partnership
from tests.factories import (
    EvaluationStageFactory,
    EvidenceFactory,
    KpiFactory,
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    talsi = MunicipalityFactory(name="Talsi", slug="talsi")
    organization = OrganizationFactory(name="Biedrība „Brīnumiņš”", home_municipality=talsi)
    partnership = signable_partnership(talsi, organization, title="Atelpas brīži")
    coordinator = MunicipalityMembershipFactory(municipality=talsi, role="coordinator").user
    representative = OrganizationMembershipFactory(organization=organization).user
    return partnership, organization, coordinator, representative


def test_a_partnership_without_an_evaluation_hashes_as_before_the_section_existed(
    cast, monkeypatch
):
    partnership = cast[0]
    with_section = partnership_content(partnership)
    monkeypatch.setattr(actionplans_content, "SECTIONS", {})
    assert "evaluation" not in with_section
    assert partnership_content(partnership) == with_section


def test_the_stages_and_kpis_are_frozen_with_the_linked_actions_by_number(cast):
    partnership = cast[0]
    stage = EvaluationStageFactory(
        partnership=partnership, name="Pusgads", subjects=["communication"], questions="Kā?"
    )
    kpi = KpiFactory(partnership=partnership, name="Ģimenes", baseline_value=Decimal("40.5"))
    kpi.actions.add(partnership.actions.get())
    plan = partnership_content(partnership)["evaluation"]
    assert plan["stages"] == [
        {
            "number": 1,
            "name": "Pusgads",
            "kind": stage.kind,
            "starts_on": None,
            "ends_on": "2027-06-30",
            "subjects": ["communication"],
            "questions": "Kā?",
        }
    ]
    [frozen] = plan["kpis"]
    assert (frozen["name"], frozen["actions"], frozen["aggregation"]) == ("Ģimenes", [1], "latest")
    assert Decimal(frozen["baseline_value"]) == Decimal("40.5")


def test_a_changed_target_changes_the_hash_but_measurements_findings_and_evidence_do_not(cast):
    partnership, organization, coordinator, representative = cast
    stage = EvaluationStageFactory(partnership=partnership)
    kpi = KpiFactory(partnership=partnership)
    signed = current_hash(partnership)
    measurement = measurement_enter(
        kpi=kpi,
        party=MUNICIPALITY_PARTY,
        actor=coordinator,
        value=Decimal(44),
        measured_on=date(2026, 3, 1),
    )
    measurement_review(
        measurement=measurement,
        version=measurement.version,
        approve=True,
        party=organization,
        actor=representative,
    )
    EvaluationStage.objects.filter(pk=stage.pk).update(status="done", findings="Labi.")
    EvidenceFactory(partnership=partnership)
    assert current_hash(partnership) == signed
    kpi.target_value = Decimal(60)
    kpi.save()
    assert current_hash(partnership) != signed


def test_what_changed_shows_the_evaluation_plan_before_and_after(cast):
    partnership = cast[0]
    before = partnership_content(partnership)
    KpiFactory(partnership=partnership, name="Nodarbinātība")
    changes = content_changes(before, partnership_content(partnership))
    assert changes["any"]
    [change] = changes["sections"]
    assert change["old"] is None and change["new"]["kpis"][0]["name"] == "Nodarbinātība"


def test_the_signed_revision_shows_and_prints_its_evaluation_plan(cast, tmp_path):
    partnership, organization, coordinator, representative = cast
    KpiFactory(partnership=partnership, name="Nodarbināto jauniešu īpatsvars", unit="%")
    EvaluationStageFactory(partnership=partnership, name="Gala izvērtēšana")
    revision = sign_by_both(partnership, coordinator, organization, representative)
    assert revision.is_signed and "evaluation" in revision.content
    client = Client()
    client.force_login(representative)
    page = client.get(f"/en/partnerships/{partnership.pk}/revisions/{revision.number}/")
    assert "Nodarbināto jauniešu īpatsvars" in page.content.decode()
    assert "Gala izvērtēšana" in page.content.decode()
    text = pdf_text(RevisionPrint(revision, language="en").unsealed_pdf(), tmp_path)
    assert "Evaluation plan" in text
    assert "Nodarbināto jauniešu" in text and "Gala izvērtēšana" in text


def test_a_section_cannot_take_a_key_of_the_content_itself():
    with pytest.raises(ValueError, match="own key"):
        register_section(Section(key="actions", build=lambda p: None, template="", title=""))


def test_the_what_changed_page_shows_a_changed_evaluation_plan_before_and_after(cast):
    partnership, organization, coordinator, representative = cast
    kpi = KpiFactory(partnership=partnership, name="Nodarbinātība")
    sign_by_both(partnership, coordinator, organization, representative)
    kpi.target_value = Decimal(60)
    kpi.save()
    client = Client()
    client.force_login(coordinator)
    with translation.override("en"):
        address = reverse("actionplans:compare", kwargs={"pk": partnership.pk})
    response = client.get(address)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Nodarbinātība") == 2
    # Both copies of the plan on one page: the ids their labels point to are each once.
    ids = re.findall(r' id="([^"]+)"', page)
    assert "before-content-evaluation-kpis" in ids and "after-content-evaluation-kpis" in ids
    assert len(ids) == len(set(ids))
