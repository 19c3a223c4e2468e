"""The public description of the roadmap (/roadmap/about/)."""

import pytest
from django.utils.html import escape

from checklists.models import Checkpoint

pytestmark = pytest.mark.django_db

URL = "/en/roadmap/about/"


def test_anyone_reads_the_steps_and_each_forms_checkpoints(client, template):
    html = client.get(URL).text
    for step in template.steps.all():
        assert escape(step.title_en) in html
    statements = Checkpoint.objects.filter(step__version=template).values_list(
        "statement_en", flat=True
    )
    assert statements
    for statement in statements:
        assert escape(statement) in html
    assert html.index("Municipality form") < html.index("Community organization form")


def test_it_links_to_both_blank_forms_and_to_registering(client, template):
    html = client.get(URL).text
    assert 'href="/en/roadmaps/forms/municipality.pdf"' in html
    assert 'href="/en/roadmaps/forms/community.pdf"' in html
    assert 'href="/en/organizations/register/"' in html


def test_it_is_in_the_pages_language(client, template):
    html = client.get("/lv/roadmap/about/").text
    step = template.steps.get(number=1)
    assert step.title_lv in html
    assert step.title_en not in html


def test_before_any_template_is_published_it_says_so(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "not published yet" in response.text


def test_its_number_of_queries_is_fixed(client, template, django_assert_num_queries):
    with django_assert_num_queries(3):  # the version, its steps, their checkpoints
        client.get(URL)


def test_it_refuses_post(client, db):
    assert client.post(URL).status_code == 405
