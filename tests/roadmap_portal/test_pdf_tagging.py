"""Every PDF the portal makes is tagged PDF/UA-1 in the language it was asked in (issue 13):
the roadmap (made in the request and by the task worker), the two blank workshop forms,
the signed and sealed partnership plan, and the evaluation report (in the request and by the
task worker). Each is fetched as a reader fetches it, at its address in a language other
than the default, and read with pyHanko's reader (tests/pdfs.py: assert_tagged).

With the optional PDF/UA checker installed (scripts/check-pdfua --install), each is also
checked by it; without, those tests are skipped and say so."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML

from actionplans.services import partnership_start
from checklists.models import TemplateVersion
from checklists.services import roadmap_start, template_publish
from orgs.sides import Side
from tests.actionplans.signed_revisions import signed_revision
from tests.factories import KpiFactory
from tests.pdfs import assert_tagged, pdf_info

pytestmark = pytest.mark.django_db


def url(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def pdf_of(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.fixture
def roadmap(municipality, staff):
    template_publish()
    return roadmap_start(
        form=Side.MUNICIPALITY, owner=municipality, title="Vaikų dienos centras", actor=staff
    )


@pytest.fixture
def partnership(municipality, staff, organization):
    started = partnership_start(
        municipality=municipality,
        title="Atokvėpio akimirkos",
        shared_result="Šeimos gauna atokvėpio.",
        actor=staff,
    )
    started.members.create(role="signatory", organization=organization, position=1)
    KpiFactory(partnership=started, name="Jaunimo užimtumas")
    return started


def roadmap_now(client, staff, roadmap, settings, **kwargs):
    settings.PDF_BACKGROUND_LINES = 10_000
    client.force_login(staff)
    return pdf_of(client.get(url("lt", "checklists:pdf", pk=roadmap.pk))), "lt", roadmap.title


def roadmap_in_background(client, staff, roadmap, settings, capture, **kwargs):
    settings.PDF_BACKGROUND_LINES = 0  # every roadmap is long: the task worker makes it
    client.force_login(staff)
    with capture(execute=True):
        client.post(url("sv", "checklists:pdf_status", pk=roadmap.pk))
    return pdf_of(client.get(url("sv", "checklists:pdf", pk=roadmap.pk))), "sv", roadmap.title


def blank_form(form, language):
    def make(client, roadmap, **kwargs):  # the roadmap's fixture publishes the template
        content = pdf_of(client.get(url(language, "checklists:blank_form_pdf", form=form)))
        with translation.override(language):
            title = TemplateVersion.objects.get().title  # modeltranslation: in `language`
        return content, language, title

    return make


def signed_plan(client, people, capture, **kwargs):
    revision = signed_revision(**people, title="Atokvėpio akimirkos")
    client.force_login(people["coordinator"])
    address = url("lt", "actionplans:revision_pdf", pk=revision.partnership_id, number=1)
    with capture(execute=True):
        client.get(address)  # the task worker prints and seals it
    return pdf_of(client.get(address)), "lt", "Atokvėpio akimirkos"


def report_now(client, staff, partnership, settings, **kwargs):
    settings.PDF_BACKGROUND_LINES = 10_000
    client.force_login(staff)
    content = pdf_of(client.get(url("pt", "evaluation:report_pdf", pk=partnership.pk)))
    return content, "pt", partnership.title


def report_in_background(client, staff, partnership, settings, capture, **kwargs):
    settings.PDF_BACKGROUND_LINES = 0
    client.force_login(staff)
    with capture(execute=True):
        client.post(url("el", "evaluation:report_pdf_status", pk=partnership.pk))
    content = pdf_of(client.get(url("el", "evaluation:report_pdf", pk=partnership.pk)))
    return content, "el", partnership.title


KINDS = {
    "roadmap": roadmap_now,
    "roadmap by the task worker": roadmap_in_background,
    "blank municipality form": blank_form("municipality", "pt"),
    "blank community form": blank_form("community", "el"),
    "signed plan": signed_plan,
    "evaluation report": report_now,
    "evaluation report by the task worker": report_in_background,
}


# Each kind is made once for this module's tests (the tagging test and the checker's): the
# bytes are shared, never the rows, and whichever test comes first makes them.
_MADE = {}


@pytest.fixture(params=list(KINDS))
def made(request):
    if request.param not in _MADE:
        get = request.getfixturevalue
        people = {
            name: get(name)
            for name in ("municipality", "coordinator", "organization", "representative")
        }
        _MADE[request.param] = KINDS[request.param](
            client=get("client"),
            staff=get("staff"),
            roadmap=get("roadmap"),
            partnership=get("partnership"),
            people=people,
            settings=get("settings"),
            capture=get("django_capture_on_commit_callbacks"),
        )
    return _MADE[request.param]


def test_every_pdf_is_tagged_in_the_language_it_was_asked_in_with_its_title(made, tmp_path):
    content, language, title = made
    assert_tagged(content, lang=language)
    info = pdf_info(content, tmp_path)
    assert info["Tagged"] == "yes"
    assert title in info["Title"]


CHECKER = Path(settings.BASE_DIR) / "scripts" / "check-pdfua"


def _checker_installed() -> bool:
    return subprocess.run([CHECKER, "--installed"], check=False).returncode == 0


needs_checker = pytest.mark.skipif(
    not _checker_installed(),
    reason="no PDF/UA checker installed (optional, outside the project): "
    "scripts/check-pdfua --install",
)


def check_pdfua(content: bytes, tmp_path) -> subprocess.CompletedProcess:
    path = tmp_path / "checked.pdf"
    path.write_bytes(content)
    return subprocess.run([CHECKER, path], capture_output=True, text=True, check=False)


@needs_checker
def test_every_pdf_breaks_no_rule_of_the_pdf_ua_checker(made, tmp_path):
    content, _language, _title = made
    result = check_pdfua(content, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_checker
def test_the_checker_fails_an_untagged_pdf(tmp_path):
    untagged = HTML(string='<html lang="lt"><title>K</title><p>Tekstas.</p>').write_pdf()
    result = check_pdfua(untagged, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
