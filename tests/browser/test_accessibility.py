"""axe-core (WCAG 2.1 A and AA) on every page a person reaches, for each role."""

import pytest
from playwright.sync_api import expect

from checklists.services import roadmap_share, roadmap_start, template_publish
from orgs.models import (
    MunicipalityMembership,
    Organization,
    OrganizationChange,
    OrganizationClaim,
    OrganizationMove,
)
from orgs.sides import Side
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def visit_all(browser, live_server, email, paths):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    if email:
        page.goto("/en/accounts/login/")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Sign in").click()
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page)
    context.close()


def test_every_page_passes_axe(browser, live_server, municipality):
    template_publish()
    DepartmentFactory(municipality=municipality, name="Sociālais dienests")
    organization = OrganizationFactory(name="Biedrība „Brīnumiņš”", home_municipality=municipality)
    representative = OrganizationMembershipFactory(
        organization=organization, user__email="rep@example.org"
    ).user
    pending = OrganizationFactory(
        name="Gaidošā", home_municipality=municipality, status=Organization.Status.PENDING
    )
    coordinator = MunicipalityMembershipFactory(
        municipality=municipality,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__email="coord@example.org",
    ).user
    change = OrganizationChange.objects.create(
        organization=organization,
        actor=representative,
        fields={"description": {"old": "", "new": "Jauns"}},
    )
    OrganizationClaim.objects.create(
        organization=organization, user=UserFactory(), message="Esmu valdes locekle."
    )
    moving = OrganizationFactory(name="Pārceļas")
    OrganizationMove.objects.create(
        organization=moving,
        from_municipality=moving.home_municipality,
        to_municipality=municipality,
        requested_by=representative,
    )
    community = roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpa", actor=representative
    )
    roadmap_share(roadmap=community, municipality=municipality, actor=representative)
    municipal = roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Centrs", actor=coordinator
    )
    colleague = MunicipalityMembershipFactory(municipality=municipality)

    visit_all(
        browser,
        live_server,
        None,
        [
            "/lv/",
            "/en/organizations/?q=brinumins&country=LV",
            f"/en/organizations/{organization.slug}/",
            f"/en/organizations/{organization.slug}/contact/",
            f"/en/organizations/{organization.slug}/contact/sent/",
            f"/en/municipalities/{municipality.slug}/",
            "/en/organizations/register/",
            "/en/privacy/",
            "/en/roadmap/about/",
            "/en/accounts/signup/",
            "/en/accounts/password-reset/",
            "/el/organizations/",
        ],
    )
    visit_all(
        browser,
        live_server,
        "rep@example.org",
        [
            "/en/my-work/",
            f"/en/organizations/{organization.slug}/edit/",
            f"/en/organizations/{organization.slug}/invite/",
            "/en/roadmaps/",
            "/en/roadmaps/new/",
            f"/en/roadmaps/{community.pk}/",
            f"/en/roadmaps/{community.pk}/1.3/",
            f"/en/roadmaps/{community.pk}/2.2/",
            f"/en/roadmaps/{community.pk}/share/",
            f"/en/roadmaps/{community.pk}/1.3/history/",
        ],
    )
    visit_all(
        browser,
        live_server,
        "coord@example.org",
        [
            "/en/my-work/",
            "/en/moderation/",
            f"/en/moderation/organizations/{pending.pk}/",
            f"/en/organizations/{organization.slug}/history/",
            f"/en/organizations/{organization.slug}/history/{change.pk}/revert/",
            f"/en/roadmaps/{municipal.pk}/1.4/",
            f"/en/roadmaps/{municipal.pk}/check/",
            f"/en/roadmaps/{community.pk}/",
            f"/en/municipalities/{municipality.slug}/staff/",
            f"/en/municipalities/{municipality.slug}/staff/invite/",
            f"/en/municipalities/{municipality.slug}/staff/{colleague.pk}/role/",
            f"/en/municipalities/{municipality.slug}/staff/{colleague.pk}/remove/",
        ],
    )


def test_the_error_pages_pass_axe(browser, live_server, municipality):
    organization = OrganizationFactory(home_municipality=municipality)
    MunicipalityMembershipFactory(municipality=municipality, user__email="staff@example.org")
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    assert page.goto("/lt/no-such-page/").status == 404
    assert_accessible(page)
    # A form sent after its CSRF cookie was lost: the refused-form page.
    page.goto("/lt/accounts/login/")
    context.clear_cookies()
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("main").get_by_role("button").click()
    assert sent.value.status == 403
    assert page.get_by_role("heading", level=1).is_visible()
    assert_accessible(page)
    page.goto("/en/accounts/login/")
    page.get_by_label("E-mail address").fill("staff@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    assert page.goto(f"/lt/organizations/{organization.slug}/edit/").status == 403
    assert_accessible(page)
    context.close()


def test_the_warning_that_an_organization_is_already_listed_passes_axe(
    browser, live_server, municipality
):
    # The warning comes back with the sent form (a plain POST, the same with or without
    # JavaScript); its claim link once had the default blue on the alert's yellow (4.06:1).
    OrganizationFactory(name="Biedrība Zīlīte", home_municipality=municipality)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/en/organizations/register/")
    page.get_by_label("Name of the organization").fill("Biedrība „Zīlīte”")
    page.get_by_label("Type of organization").select_option("association")
    page.get_by_label("Home municipality").select_option(str(municipality.pk))
    page.get_by_label("Name of the programme or service").fill("Atelpas brīži")
    page.get_by_label("Your full name").fill("Ieva Zīle")
    page.get_by_label("Your e-mail address").fill("ieva@example.org")
    page.get_by_role("textbox", name="Password", exact=True).fill("a-long-and-unusual-password")
    page.get_by_role("textbox", name="Password confirmation").fill("a-long-and-unusual-password")
    page.get_by_label("I agree that these details are published in the directory").check()
    page.get_by_role("button", name="Send for checking").click()
    warning = page.get_by_role("region", name="Is your organization already listed?")
    expect(warning).to_be_visible()
    link = warning.get_by_role("link", name="Claim Biedrība Zīlīte as yours")
    expect(link).to_have_css("text-decoration-line", "underline")
    assert_accessible(page)
    context.close()
