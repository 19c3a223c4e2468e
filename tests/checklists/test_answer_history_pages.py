"""An answer's history is paged: its cost does not grow with the number of revisions
(roadmap_portal/lib/pagination.py)."""

import datetime

import pytest
from django.utils import timezone

from checklists.models import AnswerRevision
from tests.listpages import assert_flat, queries_of

pytestmark = pytest.mark.django_db


def revisions_of(answer, editor, start, count):
    base = timezone.now() - datetime.timedelta(days=1)
    for n in range(start, start + count):
        AnswerRevision(
            answer=answer,
            editor=editor,
            saved_at=base + datetime.timedelta(minutes=n),
            version=n + 1,
            content={"text": f"Atbilde {n:02d}"},
        ).freeze().save()


def history_url(roadmap):
    return f"/en/roadmaps/{roadmap.pk}/1.1/history/"


def test_it_makes_as_many_queries_with_30_revisions_as_with_3(client, staff, municipal_roadmap):
    answer = municipal_roadmap.answers.get(checkpoint__code="1.1")
    revisions_of(answer, staff, 0, 3)
    client.force_login(staff)
    assert_flat(
        client,
        history_url(municipal_roadmap),
        add_rows=lambda: revisions_of(answer, staff, 3, 27),
        table="checklists_answerrevision",
    )


def test_the_second_page_shows_the_21st_revision_and_links_back(client, staff, municipal_roadmap):
    answer = municipal_roadmap.answers.get(checkpoint__code="1.1")
    revisions_of(answer, staff, 0, 25)
    client.force_login(staff)
    response, _sqls = queries_of(client, history_url(municipal_roadmap) + "?page=2")
    # Newest first: the 21st is the fifth saved.
    assert "Atbilde 04" in response.text
    assert "Atbilde 05" not in response.text
    assert 'href="?" rel="prev">Previous' in response.text
    assert "Showing 21 to 25 of 25" in response.text


def test_an_outsider_still_gets_404(client, outsider, municipal_roadmap):
    client.force_login(outsider)
    assert client.get(history_url(municipal_roadmap) + "?page=2").status_code == 404
