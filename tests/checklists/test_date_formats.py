"""Dates in a roadmap's page and its PDF: English day first, the PDF as the page."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from checklists.models import Roadmap
from checklists.pdf import RoadmapPrint

pytestmark = pytest.mark.django_db

COMPLETED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def completed_roadmap(municipal_roadmap):
    Roadmap.objects.filter(pk=municipal_roadmap.pk).update(
        completed_at=COMPLETED, status=Roadmap.Status.COMPLETED
    )
    municipal_roadmap.refresh_from_db()
    return municipal_roadmap


def test_the_english_roadmap_page_shows_the_day_first(client, staff, completed_roadmap):
    client.force_login(staff)
    page = client.get(f"/en/roadmaps/{completed_roadmap.pk}/").text
    assert "Completed on 01/12/2026." in page
    assert "12/01/2026" not in page


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_roadmap_pdf_writes_the_date_as_the_page_does(
    client, staff, completed_roadmap, language
):
    with translation.override(language):
        written = date_format(COMPLETED, "SHORT_DATE_FORMAT")
        pdf_html = RoadmapPrint(completed_roadmap).html()
    client.force_login(staff)
    page = client.get(f"/{language}/roadmaps/{completed_roadmap.pk}/").text
    assert written in page
    assert written in pdf_html


def test_english_writes_the_time_on_the_24_hour_clock_as_the_other_languages_do():
    afternoon = datetime(2026, 12, 1, 16, 9)
    with translation.override("en"):
        assert date_format(afternoon, "SHORT_DATETIME_FORMAT") == "01/12/2026 16:09"
    for language in ("lv", "lt", "sv", "pt", "el"):
        with translation.override(language):
            assert "16:09" in date_format(afternoon, "SHORT_DATETIME_FORMAT")
