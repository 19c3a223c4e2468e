"""The one rendering of a content (templates/actionplans/includes/revision_content.html)
that the revision pages, the public page and the signed PDF share."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from actionplans.content import content_labels, partnership_content
from orgs.models import TargetGroup
from roadmap_portal.lib.pdf import ZERO_WIDTH_SPACE
from tests.factories import ActionItemFactory, MemberFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(municipality):
    group = TargetGroup.objects.create(slug="test-families", name_en="Families", name_lv="Ģimenes")
    partnership = PartnershipFactory(
        municipality=municipality,
        title="<i>Kopā</i>",
        strategy="Pirmā rinda\nOtrā rinda",
        cooperation_forms=["grants", "other"],
        cooperation_other="Brīvprātīgie",
    )
    partnership.target_groups.add(group)
    MemberFactory(partnership=partnership)
    ActionItemFactory(partnership=partnership, activity="A" * 120, ongoing=True)
    return partnership_content(partnership)


def render(content, **extra):
    with translation.override("en"):
        return render_to_string(
            "actionplans/includes/revision_content.html",
            {"content": content, "labels": content_labels(content), **extra},
        )


def test_codes_show_as_names_and_text_is_escaped_with_its_line_breaks(content):
    html = render(content)
    assert "&lt;i&gt;Kopā&lt;/i&gt;" in html and "<i>Kopā" not in html
    assert "Pirmā rinda<br>Otrā rinda" in html
    assert "Families" in html and "test-families" not in html
    assert "Sponsorship, grants and subsidies, Other (Brīvprātīgie)" in html
    assert "Signatory" in html and "Ongoing" in html
    assert "Change" not in html  # only the check page asks for the links


def test_for_print_user_text_is_folded_by_printable_and_still_escaped(content):
    html = render(content, print=True)
    assert "&lt;i&gt;Kopā&lt;/i&gt;" in html
    assert "Pirmā rinda\nOtrā rinda" in html and "<br>" not in html
    assert ZERO_WIDTH_SPACE in html  # a break opportunity in the long activity
