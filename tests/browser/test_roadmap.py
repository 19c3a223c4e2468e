import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from checklists.services import template_publish
from orgs.models import TargetGroup
from orgs.services import organization_reindex
from tests.factories import MunicipalityMembershipFactory, OrganizationFactory

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def folder(tmp_path):
    path = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_talsi_staff_fill_the_municipality_form_complete_it_and_export_the_pdf(
    browser, live_server, municipality, tmp_path
):
    template_publish()
    staff = MunicipalityMembershipFactory(
        municipality=municipality, user__email="staff@example.org"
    ).user
    youth = TargetGroup.objects.get(slug="youth")
    club = OrganizationFactory(name="Jauniešu klubs „Ķekatas”", home_municipality=municipality)
    club.target_groups.add(youth)
    organization_reindex(organization=club)
    shots = folder(tmp_path)

    context, page = sign_in(browser, live_server, staff.email)
    page.get_by_role("link", name="Roadmaps").click()
    page.get_by_role("link", name="Start a roadmap").click()
    page.get_by_label("Name of the initiative").fill("Bērnu dienas centrs")
    page.get_by_role("button", name="Start the roadmap").click()
    expect(page.locator("h1")).to_have_text("Bērnu dienas centrs")
    page.screenshot(path=str(shots / "roadmap-task-list.png"), full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^1\.1 ")).click()
    answered = 0
    while page.get_by_role("button", name="Save and continue").count():
        code = page.locator("h1").inner_text().split(" ")[0]
        if code == "1.1":
            page.get_by_label("Young people", exact=True).check()
            assert_accessible(page)
        if code == "1.3":
            page.get_by_label("Funding and grants").fill("Līdzfinansējums dienas centram")
        if code == "1.4":
            page.get_by_label("Jauniešu klubs „Ķekatas”").check()
        if code == "1.2":
            # Autosave while typing: "Saved at" appears without pressing a button.
            page.get_by_label("Your answer in detail").fill(
                f"Atbilde {code}: ģimenes, čaklie, ūdens"
            )
            expect(page.locator("#autosave-status")).to_contain_text("Saved at", timeout=8000)
        else:
            # The plans of 3.1 and 3.2 are a partnership's: their text is notes on it.
            label = "Notes on the plan" if code in ("3.1", "3.2") else "Your answer in detail"
            page.get_by_label(label).fill(f"Atbilde {code}: ģimenes, čaklie, ūdens")
        page.get_by_label("Yes, I have completed this checkpoint").check()
        page.get_by_role("button", name="Save and continue").click()
        answered += 1
    assert answered == 11

    expect(page.locator("h1")).to_have_text("Check your answers")
    expect(page.get_by_text("Līdzfinansējums dienas centram")).to_be_visible()
    expect(page.get_by_role("link", name="Jauniešu klubs „Ķekatas”")).to_be_visible()
    page.screenshot(path=str(shots / "roadmap-check-answers.png"), full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="Mark the roadmap as completed").click()
    expect(page.get_by_text("The roadmap is marked as completed.")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    pdf = shots / "roadmap.pdf"
    download_info.value.save_as(str(pdf))
    text = subprocess.run(
        [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Atbilde 2.5: ģimenes, čaklie, ūdens" in text
    assert "Līdzfinansējums dienas centram" in text
    assert "Jauniešu klubs „Ķekatas”" in text
    subprocess.run(
        [
            shutil.which("pdftoppm"),
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "2",
            str(pdf),
            str(shots / "roadmap-pdf"),
        ],
        check=True,
    )
    context.close()


def test_two_browsers_edit_one_answer_and_nothing_is_lost(browser, live_server, municipality):
    from checklists.services import roadmap_start
    from orgs.sides import Side

    template_publish()
    first = MunicipalityMembershipFactory(
        municipality=municipality, user__email="a@example.org"
    ).user
    second = MunicipalityMembershipFactory(
        municipality=municipality, user__email="b@example.org"
    ).user
    roadmap = roadmap_start(form=Side.MUNICIPALITY, owner=municipality, title="Kopīgs", actor=first)
    url = f"/en/roadmaps/{roadmap.pk}/1.2/"

    context_a, page_a = sign_in(browser, live_server, first.email)
    context_b, page_b = sign_in(browser, live_server, second.email)
    page_a.goto(url)
    page_b.goto(url)
    page_a.get_by_label("Your answer in detail").fill("Annas teksts")
    page_a.get_by_label("No, I’ll come back to it later").check()
    page_a.get_by_role("button", name="Save and come back later").click()
    expect(page_a.get_by_text("Saved. You can come back to it at any time.")).to_be_visible()

    page_b.evaluate("document.querySelector('textarea[name=text]').removeAttribute('hx-post')")
    page_b.get_by_label("Your answer in detail").fill("Bruno teksts")
    page_b.get_by_label("No, I’ll come back to it later").check()
    page_b.get_by_role("button", name="Save and come back later").click()
    conflict = page_b.get_by_role("alert")
    expect(conflict).to_contain_text("Someone else saved this answer while you were writing")
    expect(conflict).to_contain_text("Annas teksts")
    expect(page_b.get_by_label("Your answer in detail")).to_have_value("Bruno teksts")
    roadmap.answers.get(checkpoint__code="1.2").refresh_from_db()
    assert roadmap.answers.get(checkpoint__code="1.2").text == "Annas teksts"

    # Merged and saved again, it goes through.
    page_b.get_by_label("Your answer in detail").fill("Annas teksts un Bruno teksts")
    page_b.get_by_role("button", name="Save and come back later").click()
    expect(page_b.get_by_text("Saved. You can come back to it at any time.")).to_be_visible()
    assert roadmap.answers.get(checkpoint__code="1.2").text == "Annas teksts un Bruno teksts"
    context_a.close()
    context_b.close()


def test_save_clicked_while_ones_own_autosave_is_on_its_way_saves_the_status(
    browser, live_server, municipality
):
    from checklists.services import roadmap_start
    from orgs.sides import Side

    template_publish()
    staff = MunicipalityMembershipFactory(
        municipality=municipality, user__email="d@example.org"
    ).user
    roadmap = roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Steidzami", actor=staff
    )
    context, page = sign_in(browser, live_server, staff.email)
    # The autosave reaches the server, but its answer (with the new version) is held
    # back: the page still has the version it loaded when Save is clicked.
    held = []
    page.route("**/autosave/", lambda route: held.append((route, route.fetch())))
    page.goto(f"/en/roadmaps/{roadmap.pk}/1.2/")
    page.get_by_label("Your answer in detail").fill("Teksts, kas saglabājas pats")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held and held[0][1].status == 200
    page.get_by_label("Your answer in detail").fill("Teksts, kas saglabājas pats, un vēl")
    page.get_by_label("Yes, I have completed this checkpoint").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.locator("h1")).to_have_text(re.compile(r"^1\.3 "))
    answer = roadmap.answers.get(checkpoint__code="1.2")
    assert answer.status == "completed"
    assert answer.text == "Teksts, kas saglabājas pats, un vēl"
    context.close()


def test_the_text_stays_and_is_saved_when_the_network_comes_back(
    browser, live_server, municipality
):
    from checklists.services import roadmap_start
    from orgs.sides import Side

    template_publish()
    staff = MunicipalityMembershipFactory(
        municipality=municipality, user__email="c@example.org"
    ).user
    roadmap = roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Bezsaistē", actor=staff
    )
    context, page = sign_in(browser, live_server, staff.email)
    page.goto(f"/en/roadmaps/{roadmap.pk}/1.2/")

    context.set_offline(True)
    page.get_by_label("Your answer in detail").fill("Teksts bez tīkla")
    expect(page.locator("#autosave-status")).to_contain_text("no connection", timeout=8000)
    expect(page.get_by_label("Your answer in detail")).to_have_value("Teksts bez tīkla")

    # Leaving now would lose the text: the browser asks first.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]

    context.set_offline(False)
    expect(page.locator("#autosave-status")).to_contain_text("Saved at", timeout=15000)
    assert roadmap.answers.get(checkpoint__code="1.2").text == "Teksts bez tīkla"
    context.close()


def test_a_too_long_answer_is_refused_by_autosave_and_stays_in_the_page(
    browser, live_server, municipality
):
    from checklists.services import roadmap_start
    from orgs.sides import Side

    template_publish()
    staff = MunicipalityMembershipFactory(
        municipality=municipality, user__email="long@example.org"
    ).user
    roadmap = roadmap_start(form=Side.MUNICIPALITY, owner=municipality, title="Garš", actor=staff)
    context, page = sign_in(browser, live_server, staff.email)
    page.goto(f"/en/roadmaps/{roadmap.pk}/1.2/")
    answer = page.get_by_label("Your answer in detail")
    answer.fill("ā" * 20_001)
    status = page.locator("#autosave-status")
    expect(status).to_contain_text(
        "Your answer must be 20,000 characters or fewer (it has 20,001)", timeout=8000
    )
    expect(answer).to_have_value("ā" * 20_001)
    assert roadmap.answers.get(checkpoint__code="1.2").text == ""

    # Leaving now would lose the text: the browser asks first.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]

    answer.press("End")
    answer.press("Backspace")
    expect(status).to_contain_text("Saved at", timeout=8000)
    assert len(roadmap.answers.get(checkpoint__code="1.2").text) == 20_000
    context.close()


def test_choosing_the_municipality_narrows_the_departments_of_checkpoint_2_2(
    browser, live_server, municipality, organization, representative
):
    from checklists.services import roadmap_start
    from orgs.sides import Side
    from tests.factories import DepartmentFactory, MunicipalityFactory

    template_publish()
    braga = MunicipalityFactory(name="Braga", slug="braga", country="PT")
    DepartmentFactory(municipality=braga, name="Ação Social")
    social = DepartmentFactory(municipality=municipality, name="Sociālais dienests")
    roadmap = roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpa", actor=representative
    )
    context, page = sign_in(browser, live_server, representative.email)
    page.goto(f"/en/roadmaps/{roadmap.pk}/2.2/")
    departments = page.get_by_label("Its most suitable department and contact person")
    expect(departments.locator("optgroup")).to_have_count(2)  # without a choice: all, grouped

    page.get_by_label("Municipality to work with").select_option(label="Talsu novads")
    expect(departments.locator("optgroup")).to_have_count(0)
    expect(departments.locator("option")).to_have_text(
        ["Choose a department", "Sociālais dienests"]
    )
    assert_accessible(page)

    page.get_by_label("Its most suitable department and contact person").select_option(
        label="Sociālais dienests"
    )
    page.get_by_label("Yes, I have completed this checkpoint").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_contain_text("2.4")
    assert roadmap.answers.get(checkpoint__code="2.2").department == social
    context.close()
