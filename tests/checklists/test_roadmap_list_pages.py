"""The roadmap list's two lists (ours, shared with our municipality) are paged, each with
its own parameter (?mine= ?shared=): the page costs the same with 30 roadmaps as with 3."""

import datetime

import pytest
from django.utils import timezone

from checklists.models import Roadmap
from checklists.services import roadmap_start
from orgs.sides import Side
from tests.listpages import assert_flat, queries_of

pytestmark = pytest.mark.django_db

URL = "/en/roadmaps/"


def roadmaps_of(municipality, staff, start, count):
    for n in range(start, start + count):
        roadmap = roadmap_start(
            form=Side.MUNICIPALITY, owner=municipality, title=f"Ceļvedis {n:02d}", actor=staff
        )
        # Most recently changed first, in the order they were made.
        Roadmap.objects.filter(pk=roadmap.pk).update(
            updated_at=timezone.now() + datetime.timedelta(seconds=n)
        )


def test_it_makes_as_many_queries_with_30_roadmaps_as_with_3(client, template, municipality, staff):
    roadmaps_of(municipality, staff, 0, 3)
    client.force_login(staff)
    assert_flat(
        client,
        URL,
        add_rows=lambda: roadmaps_of(municipality, staff, 3, 27),
        table="checklists_roadmap",
    )


def test_the_second_page_shows_the_21st_roadmap_and_links_back(
    client, template, municipality, staff
):
    roadmaps_of(municipality, staff, 0, 25)
    client.force_login(staff)
    response, _sqls = queries_of(client, URL + "?mine=2")
    assert "Ceļvedis 04" in response.text and "Ceļvedis 05" not in response.text
    assert 'href="?" rel="prev">Previous' in response.text
    assert 'aria-label="Pages of our roadmaps"' in response.text
