"""Issue 11 from start to verification, as Braga's people would do it in their browsers:
staff start a partnership from a completed roadmap with two organizations, add and reorder
action rows while a coordinator's older page meets the conflict, the coordinator and a
representative sign, the sealed PDF holds every row and its seal validates, the verification
page says valid; an edit after sign-off makes revision 2 and revision 1 still verifies.

SCREENSHOTS=<folder> keeps each page as a picture, and the PDFs beside them.
"""

import os
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from actionplans.models import Partnership, PartnershipRevision
from checklists.models import Checkpoint, Roadmap
from checklists.services import roadmap_start, template_publish
from orgs.models import MunicipalityMembership
from orgs.sides import Side
from roadmap_portal.lib.seal import seal_status
from tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)
from tests.pdfs import assert_tagged, pdf_text

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = ["Espaço para o centro de dia", "Formação de voluntários", "Informar as famílias"]


def english(url_of):
    """The English address: reverse() outside a request takes the thread's language, which
    is whatever an earlier test left active (Latvian when this test runs alone)."""
    with translation.override("en"):
        return url_of()


def look(page, folder, name):
    assert_accessible(page)
    if folder:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def text_of(content: bytes, folder, name, tmp_path) -> str:
    if folder:
        (folder / f"{name}.pdf").write_bytes(content)
    assert_tagged(content, lang="pt")
    return pdf_text(content, tmp_path)


def fill_action(page, index, activity, responsible):
    page.locator(f"#id_actions-{index}-activity").fill(activity)
    page.locator(f"#id_actions-{index}-responsible_name").fill(responsible)


def test_braga_starts_signs_and_verifies_a_partnership_then_revises_it(
    browser, live_server, tmp_path
):
    folder = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None
    braga = MunicipalityFactory(
        name="Município de Braga", slug="braga", country="PT", time_zone="Europe/Lisbon"
    )
    staff = MunicipalityMembershipFactory(
        municipality=braga, user__email="staff.braga@example.org", user__full_name="Rui Costa"
    ).user
    coordinator = MunicipalityMembershipFactory(
        municipality=braga,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__email="coord.braga@example.org",
        user__full_name="Ana Sousa",
    ).user
    curiosa = OrganizationFactory(name="Cidade Curiosa", home_municipality=braga, country="PT")
    sementes = OrganizationFactory(
        name="Sementes de Integração", home_municipality=braga, country="PT"
    )
    OrganizationMembershipFactory(
        organization=curiosa, user__email="rep.curiosa@example.org", user__full_name="João Lima"
    )
    template_publish()
    roadmap = roadmap_start(
        form=Side.MUNICIPALITY, owner=braga, title="Centro de dia para jovens", actor=staff
    )
    answer = roadmap.answers.filter(checkpoint__kind=Checkpoint.Kind.ORGANIZATIONS).first()
    answer.organizations.set([curiosa, sementes])
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.COMPLETED)

    # Staff start the partnership from the roadmap: both organizations come with it.
    staff_context, page = sign_in(browser, live_server, staff.email)
    page.goto(f"/en/roadmaps/{roadmap.pk}/")
    page.get_by_role("link", name="Start a partnership from this roadmap").click()
    look(page, folder, "01-from-roadmap")
    page.get_by_role("button", name="Start the partnership").click()
    page.get_by_role("heading", name="Centro de dia para jovens").wait_for()
    partnership = Partnership.objects.get()
    look(page, folder, "02-task-list")
    names = set(partnership.members.values_list("organization__name", flat=True))
    assert {"Cidade Curiosa", "Sementes de Integração"} <= names

    # What they aim at, then: Cidade Curiosa also signs.
    page.get_by_role("link", name="Fill in the details").click()
    page.get_by_label("Shared result").fill("Jovens de Braga têm um centro de dia aberto.")
    page.get_by_role("button", name="Save and return to the tasks").click()
    page.get_by_text("The details are saved.").wait_for()
    page.get_by_role("link", name="Add the partners").click()
    rows = partnership.members.count()
    page.get_by_role("button", name="Add another partner").click()
    page.locator(f"#id_members-{rows}-organization").fill("Cidade Curiosa")
    page.locator(f"#id_members-{rows}-role").select_option("signatory")
    page.get_by_role("button", name="Save and return to the tasks").click()
    page.get_by_text("The partners are saved.").wait_for()

    # The coordinator opens the action plan and leaves it open.
    coordinator_context, older = sign_in(browser, live_server, coordinator.email)
    address = f"/en/partnerships/{partnership.pk}/action-plan/"
    older.goto(address)

    page.goto(address)
    fill_action(page, 0, ROWS[0], "Rui Costa")
    page.get_by_role("button", name="Add another action").click()
    page.locator("#id_actions-1-activity").wait_for()
    fill_action(page, 1, ROWS[2], "João Lima")
    page.get_by_role("button", name="Add another action").click()
    page.locator("#id_actions-2-activity").wait_for()
    fill_action(page, 2, ROWS[1], "Ana Sousa")
    page.get_by_role("button", name="Move up action 3").click()
    expect(page.locator("#id_actions-1-activity")).to_have_value(ROWS[1])
    page.get_by_role("button", name="Save the action plan").click()
    page.get_by_text("The action plan is saved.").wait_for()
    look(page, folder, "03-action-plan")
    assert list(partnership.actions.values_list("activity", flat=True)) == ROWS

    fill_action(older, 0, "Outra linha", "Ana Sousa")
    older.get_by_role("button", name="Save the action plan").click()
    older.get_by_role("alert").filter(
        has_text="Someone else saved the action plan while you were editing"
    ).wait_for()
    look(older, folder, "04-conflict")
    assert list(partnership.actions.values_list("activity", flat=True)) == ROWS

    page.goto(f"/en/partnerships/{partnership.pk}/communication-plan/")
    page.locator("#id_communications-0-subject").fill("Progresso mensal")
    page.locator("#id_communications-0-audience").fill("Famílias")
    page.get_by_role("button", name="Save the communication plan").click()
    page.get_by_text("The communication plan is saved.").wait_for()

    # Both sides sign the same content.
    older.goto(f"/en/partnerships/{partnership.pk}/check/")
    look(older, folder, "05-check")
    older.get_by_role("button", name="Sign off the action plan").click()
    older.get_by_text("You signed revision 1").wait_for()
    rep_context, representative = sign_in(browser, live_server, "rep.curiosa@example.org")
    representative.goto(f"/en/partnerships/{partnership.pk}/check/")
    representative.get_by_role("button", name="Sign off the action plan").click()
    representative.get_by_text("Revision 1 is signed by everyone").wait_for()
    first = PartnershipRevision.objects.get(partnership=partnership, number=1)
    assert first.is_signed

    # The PDF the worker made on signing, in Braga's language: every row, the hash, a seal
    # that holds.
    response = older.request.get(
        f"{live_server.url}/pt/partnerships/{partnership.pk}/revisions/1/plan.pdf"
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    content = response.body()
    text = text_of(content, folder, "revision-1", tmp_path)
    for activity in [
        *ROWS,
        "Progresso mensal",
        "Cidade Curiosa",
        "Sementes de Integração",
        "Jovens de Braga têm um centro de dia aberto.",
    ]:
        assert activity in text
    assert first.content_hash in text.replace("\u200b", "").replace("\n", "")
    status = seal_status(content)
    assert status["ok"], status

    visitor = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 320, "height": 700}
    )
    check = visitor.new_page()
    check.goto(english(first.get_verification_url))
    look(check, folder, "06-verify-1")
    assert "Valid" in check.get_by_role("main").inner_text()
    assert first.content_hash in check.content()
    assert "Centro de dia" not in check.content()  # not public: no content, no names

    # An edit after sign-off is a new draft; signing it makes revision 2.
    page.goto(address)
    fill_action(page, 3, "Avaliação intercalar", "Rui Costa")
    page.get_by_role("button", name="Save the action plan").click()
    page.get_by_text("The action plan is saved.").wait_for()
    older.goto(f"/en/partnerships/{partnership.pk}/check/")
    older.get_by_role("button", name="Sign off the action plan").click()
    older.get_by_text("You signed revision 2").wait_for()
    representative.goto(f"/en/partnerships/{partnership.pk}/check/")
    representative.get_by_role("button", name="Sign off the action plan").click()
    representative.get_by_text("Revision 2 is signed by everyone").wait_for()
    second = PartnershipRevision.objects.get(partnership=partnership, number=2)
    assert second.is_signed and second.content_hash != first.content_hash

    older.goto(f"/en/partnerships/{partnership.pk}/revisions/")
    look(older, folder, "07-revisions")
    check.goto(english(first.get_verification_url))
    assert "Valid" in check.get_by_role("main").inner_text()
    check.goto(english(second.get_verification_url))
    assert "Valid" in check.get_by_role("main").inner_text()
    second_pdf = older.request.get(
        f"{live_server.url}/pt/partnerships/{partnership.pk}/revisions/2/plan.pdf"
    ).body()
    assert "Avaliação intercalar" in text_of(second_pdf, folder, "revision-2", tmp_path)
    assert "Avaliação intercalar" not in text_of(
        older.request.get(
            f"{live_server.url}/pt/partnerships/{partnership.pk}/revisions/1/plan.pdf"
        ).body(),
        folder,
        "revision-1-again",
        tmp_path,
    )
    for context in (visitor, rep_context, coordinator_context, staff_context):
        context.close()
