import pytest
from playwright.sync_api import expect

from orgs.models import Organization
from tests.factories import PASSWORD, MunicipalityMembershipFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_upload_preview_and_confirm_an_import(browser, live_server, municipality, tmp_path):
    staff = MunicipalityMembershipFactory(
        municipality=municipality, user__email="s@example.org"
    ).user
    path = tmp_path / "dati.csv"
    rows = [
        "Nosaukums;Pašvaldība;E-pasts",
        "Biedrība „Ūdensroze”;Talsu novads;info@x.lv",
        "Slikta;Talsu novads;nav-adrese",
    ]
    path.write_bytes("\n".join(rows).encode("cp1257"))
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/en/accounts/login/")
    page.get_by_label("E-mail address").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.goto("/en/moderation/")
    page.get_by_role("link", name="Import organizations from a spreadsheet").click()
    assert_accessible(page)
    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("h1")).to_have_text("Preview of the import")
    expect(
        page.get_by_role("cell", name="Biedrība „Ūdensroze”")
    ).to_be_visible()  # cp1257 read right
    expect(page.get_by_text("Enter a valid email address")).to_be_visible()
    assert_accessible(page)
    # Reading it again is a form that posts: the same file, read as asked.
    page.get_by_label("Separator").select_option(";")
    page.get_by_role("button", name="Read it again").click()
    expect(page.locator("h1")).to_have_text("Preview of the import")
    expect(page.get_by_role("cell", name="Biedrība „Ūdensroze”")).to_be_visible()
    assert Organization.objects.count() == 0
    page.get_by_role("button", name="Import the rows without errors").click()
    expect(page.get_by_text("Imported. Rows with errors were left out.")).to_be_visible()
    assert list(Organization.objects.values_list("name", flat=True)) == ["Biedrība „Ūdensroze”"]
    context.close()
