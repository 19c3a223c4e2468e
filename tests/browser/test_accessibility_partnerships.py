"""axe-core (WCAG 2.1 A and AA) on every page of the partnerships (actionplans) and of
their evaluation, in the portal's six languages, for the people who see each page.

The pages come from the URL configuration: a URL name of these apps that no list below
visits, and that is not a download in NON_HTML, fails the test.
"""

import datetime
import time
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from actionplans.access import MUNICIPALITY_PARTY
from actionplans.content import current_hash
from actionplans.models import Partnership, SignedPdf
from actionplans.services import partnership_sign, publication_consent_give
from checklists.models import Roadmap
from checklists.services import roadmap_start, template_publish
from evaluation.models import Measurement
from evaluation.services import measurement_enter
from orgs.models import MunicipalityMembership
from orgs.sides import Side
from tests.factories import (
    ActionItemFactory,
    CommunicationItemFactory,
    EvaluationStageFactory,
    EvidenceFactory,
    EvidenceFileFactory,
    KpiFactory,
    MeasurementFactory,
    MemberFactory,
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PartnershipFactory,
)
from tests.matrix import url_patterns

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

APPS = ("actionplans", "evaluation")
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# Downloads, not pages: fetched once, and their type checked, instead of axe.
NON_HTML = {
    "actionplans:actions_csv": "text/csv",
    "actionplans:actions_xlsx": "application/vnd.openxmlformats-officedocument",
    "actionplans:calendar_feed": "text/calendar",
    "actionplans:revision_pdf": "application/pdf",  # once made; until then a page
    "evaluation:evidence_file": "application/pdf",
    "evaluation:kpis_csv": "text/csv",
    "evaluation:kpis_xlsx": "application/vnd.openxmlformats-officedocument",
    "evaluation:measurements_csv": "text/csv",
    "evaluation:measurements_xlsx": "application/vnd.openxmlformats-officedocument",
    "evaluation:report_pdf": "application/pdf",
}


def build():
    """One municipality's partnership with everything its pages show: partners, both plans,
    revision 1 signed by both sides and public, a draft changed since, an evaluation with a
    stage, KPIs with measurements (approved and waiting), evidence with a file."""
    template_publish()
    talsi = MunicipalityFactory(name="Talsu novads", slug="talsi")
    coordinator = MunicipalityMembershipFactory(
        municipality=talsi,
        role=MunicipalityMembership.Role.COORDINATOR,
        user__email="coordinator@example.org",
        user__full_name="Anna Bērziņa",
    ).user
    staff = MunicipalityMembershipFactory(
        municipality=talsi, user__email="staff@example.org", user__full_name="Jānis Ozols"
    ).user
    organization = OrganizationFactory(name="Biedrība „Brīnumiņš”", home_municipality=talsi)
    representative = OrganizationMembershipFactory(
        organization=organization,
        user__email="rep@example.org",
        user__full_name="Līga Kalniņa",
    ).user
    supporter = OrganizationFactory(name="Jauniešu centrs „Ābele”", home_municipality=talsi)

    partnership = PartnershipFactory(
        municipality=talsi,
        title="Atelpas brīži ģimenēm",
        created_by=staff,
        starts_on=date(2026, 1, 1),
        ends_on=date(2028, 12, 31),
    )
    MemberFactory(
        partnership=partnership,
        organization=organization,
        contact_name="Līga Kalniņa",
        contact_email="liga@example.org",
        contact_phone="+371 2000 0000",
    )
    MemberFactory(partnership=partnership, organization=supporter, role="implementing")
    today = partnership.local_today()
    ActionItemFactory(
        partnership=partnership,
        activity="Atelpas brīži ģimenēm",
        goals="Vecāki atpūšas",
        responsible_user=representative,
        starts_on=today,
        deadline=today + datetime.timedelta(days=30),
    )
    ActionItemFactory(
        partnership=partnership,
        activity="Brīvprātīgo apmācība",
        status="blocked",
        blocked_reason="Nav telpu",
        deadline=today - datetime.timedelta(days=10),
    )
    CommunicationItemFactory(
        partnership=partnership,
        subject="Ziņas vecākiem",
        channel="E-pasts",
        frequency="Reizi mēnesī",
    )
    for party, signer in ((MUNICIPALITY_PARTY, coordinator), (organization, representative)):
        partnership_sign(
            partnership=partnership,
            party=party,
            signer=signer,
            checked_hash=current_hash(partnership),
        )
        publication_consent_give(partnership=partnership, party=party, actor=signer)
    # The draft changed since revision 1: the comparison has something to show.
    ActionItemFactory(partnership=partnership, activity="Vasaras nometne")

    stage = EvaluationStageFactory(partnership=partnership, name="Starpposma izvērtēšana")
    kpi = KpiFactory(partnership=partnership, name="Ģimenes, kas saņēma atelpu")
    KpiFactory(partnership=partnership, name="Brīvprātīgie", unit="", decimals=0)
    for value, day in (("41", date(2026, 3, 31)), ("46", date(2026, 6, 30))):
        MeasurementFactory(
            kpi=kpi,
            value=Decimal(value),
            measured_on=day,
            status=Measurement.Status.APPROVED,
            reviewed_at=timezone.now(),
        )
    waiting = measurement_enter(
        kpi=kpi,
        party=MUNICIPALITY_PARTY,
        actor=staff,
        value=Decimal("48"),
        measured_on=date(2026, 9, 30),
    )
    evidence = EvidenceFactory(partnership=partnership, stage=stage)
    EvidenceFileFactory(evidence=evidence)
    roadmap = roadmap_start(
        form=Side.COMMUNITY, owner=organization, title="Atelpa", actor=representative
    )
    Roadmap.objects.filter(pk=roadmap.pk).update(
        status=Roadmap.Status.COMPLETED, completed_at=timezone.now()
    )
    # Started from it: its page lists the partnership (a link in an alert).
    Partnership.objects.filter(pk=partnership.pk).update(roadmap=roadmap)

    pk = {"pk": partnership.pk}
    revision = partnership.revisions.get()
    # Signing printed the PDF in the signer's language: none yet, for its page.
    SignedPdf.objects.filter(revision=revision).delete()
    member_pages = [
        ("actionplans:list", {}),
        ("actionplans:partnership", pk),
        ("actionplans:details", pk),
        ("actionplans:partners", pk),
        ("actionplans:actions", pk),
        ("actionplans:communications", pk),
        ("actionplans:calendar", pk),
        ("actionplans:check", pk),
        ("actionplans:revisions", pk),
        ("actionplans:compare", pk),
        ("actionplans:revision", pk | {"number": revision.number}),
        ("actionplans:publication", pk),
        ("evaluation:dashboard", pk),
        ("evaluation:stages", pk),
        ("evaluation:stage_new", pk),
        ("evaluation:stage", pk | {"stage": stage.pk}),
        ("evaluation:stage_delete", pk | {"stage": stage.pk}),
        ("evaluation:kpis", pk),
        ("evaluation:kpi_new", pk),
        ("evaluation:kpi", pk | {"kpi": kpi.pk}),
        ("evaluation:kpi_edit", pk | {"kpi": kpi.pk}),
        ("evaluation:kpi_delete", pk | {"kpi": kpi.pk}),
        ("evaluation:measurement_new", pk | {"kpi": kpi.pk}),
        ("evaluation:evidence_list", pk),
        ("evaluation:evidence_new", pk),
        ("evaluation:evidence", pk | {"evidence": evidence.pk}),
        ("evaluation:evidence_delete", pk | {"evidence": evidence.pk}),
        ("evaluation:report", pk),
    ]
    municipality_pages = [
        ("actionplans:new", {}),
        ("evaluation:municipality", {"slug": talsi.slug}),
        # Staff entered it for the municipality: its people change or withdraw it.
        ("evaluation:measurement", pk | {"measurement": waiting.pk}),
        ("evaluation:measurement_withdraw", pk | {"measurement": waiting.pk}),
    ]
    # Every page in every language for one person who sees it (the coordinator sees the
    # most); for staff and the partner, in English, the pages that differ for them (their
    # buttons, their measurements), and what only they see in every language. All pages in
    # six languages for each of the three took six minutes.
    own = [(name, kwargs, LANGUAGES) for name, kwargs in member_pages + municipality_pages]
    differ = {"actionplans:partnership", "actionplans:check", "actionplans:publication"}
    differ |= {"evaluation:dashboard", "evaluation:kpi", "actionplans:actions"}
    pages = {
        None: [
            ("actionplans:public_list", {}, LANGUAGES),
            ("actionplans:public", pk, LANGUAGES),
            ("actionplans:verify", {"code": revision.verification_code}, LANGUAGES),
        ],
        coordinator.email: [
            *own,
            # The first visit in a language asks the task worker for the signed PDF, and
            # says that it is being made; the PDF itself is among the downloads.
            ("actionplans:revision_pdf", pk | {"number": revision.number}, LANGUAGES),
        ],
        staff.email: [
            *[(name, kwargs, ["en"]) for name, kwargs, _all in own if name in differ],
            ("evaluation:measurement", pk | {"measurement": waiting.pk}, ["en"]),
        ],
        representative.email: [
            *[(name, kwargs, ["en"]) for name, kwargs in member_pages if name in differ],
            ("actionplans:new_from_roadmap", {"pk": roadmap.pk}, LANGUAGES),
            # The partner decides on what the municipality entered.
            ("evaluation:measurement_review", pk | {"measurement": waiting.pk}, LANGUAGES),
        ],
    }
    downloads = [
        ("actionplans:actions_csv", pk),
        ("actionplans:actions_xlsx", pk),
        ("actionplans:calendar_feed", {"key": partnership.calendar_key}),
        ("actionplans:revision_pdf", pk | {"number": revision.number}),
        ("evaluation:evidence_file", pk | {"evidence": evidence.pk}),
        ("evaluation:kpis_csv", pk),
        ("evaluation:kpis_xlsx", pk),
        ("evaluation:measurements_csv", pk),
        ("evaluation:measurements_xlsx", pk),
        ("evaluation:report_pdf", pk),
    ]
    return partnership, pages, downloads


def path(name, kwargs, language):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def context_for(browser, live_server, email):
    if email is None:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return context, page
    return sign_in(browser, live_server, email)


def check(page, name, kwargs, language, checked, problems):
    """One page in one language: 200, HTML in that language, no axe violation. Problems
    are gathered, so that one run lists them all."""
    address = path(name, kwargs, language)
    try:
        response = page.goto(address)
        assert response.status == 200, response.status
        assert response.headers["content-type"].startswith("text/html")
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page)
    except AssertionError as problem:
        problems.append(f"{address}: {problem}")
    checked.append((name, language))


def test_every_partnership_and_evaluation_page_passes_axe_in_every_language(
    browser, live_server, settings
):
    started = time.monotonic()
    partnership, pages, downloads = build()
    # A large report's PDF is made by the task worker; its page says so meanwhile.
    background = [("evaluation:report_pdf_status", {"pk": partnership.pk}, LANGUAGES)]
    planned = {name for visits in pages.values() for name, _kwargs, _languages in visits}
    planned.add("evaluation:report_pdf_status")
    app_names = {
        pattern.name
        for pattern in url_patterns()
        if pattern.name and pattern.name.split(":")[0] in APPS
    }
    assert app_names - planned - NON_HTML.keys() == set(), "pages that nobody visits"
    assert planned & NON_HTML.keys() == {"actionplans:revision_pdf"}
    assert {name for name, _kwargs in downloads} == NON_HTML.keys() <= app_names

    checked, problems = [], []
    for email, visits in pages.items():
        context, page = context_for(browser, live_server, email)
        for name, kwargs, languages in visits:
            for language in languages:
                check(page, name, kwargs, language, checked, problems)
        if email == "coordinator@example.org":
            for name, kwargs in downloads:
                address = path(name, kwargs, "en")
                response = page.request.get(address)
                assert response.status == 200, address
                assert response.headers["content-type"].startswith(NON_HTML[name]), address
            settings.PDF_BACKGROUND_LINES = 0
            for name, kwargs, languages in background:
                for language in languages:
                    check(page, name, kwargs, language, checked, problems)
        context.close()

    assert problems == [], "\n".join(problems)
    for name in planned:
        assert {language for n, language in checked if n == name} == set(LANGUAGES), name
    print(
        f"\naxe: {len(planned)} pages, {len(checked)} page visits in {len(LANGUAGES)} languages,"
        f" {time.monotonic() - started:.0f} s"
    )
