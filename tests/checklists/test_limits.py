"""Length limits of what people write in a roadmap: in the forms, in autosave and in the
database (issue 9, point 10: an answer of 2.4 MB made a PDF take minutes)."""

import pytest
from django.db import DataError, IntegrityError, transaction

from checklists.models import Answer, Roadmap

pytestmark = pytest.mark.django_db

OVER = "ā" * 20_001


def post_answer(client, roadmap, code, **data):
    answer = roadmap.answers.get(checkpoint__code=code)
    values = {"version": answer.version, "text": "Atbilde", "status": "in_progress"} | data
    return client.post(f"/en/roadmaps/{roadmap.pk}/{code}/", values)


def test_an_answer_over_20000_characters_is_refused_and_kept_in_the_form(
    client, staff, municipal_roadmap
):
    client.force_login(staff)
    response = post_answer(client, municipal_roadmap, "1.2", text=OVER)
    assert response.status_code == 200
    assert "<title>Error:" in response.text
    assert "There is a problem" in response.text
    message = "Your answer must be 20,000 characters or fewer (it has 20,001)"
    assert response.text.count(message) == 2  # in the summary and beside the field
    assert OVER in response.text  # what was typed stays in the textarea
    answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
    assert answer.version == 1 and answer.text == ""


def test_an_answer_of_exactly_20000_characters_is_saved(client, staff, municipal_roadmap):
    client.force_login(staff)
    post_answer(client, municipal_roadmap, "1.2", text="ā" * 20_000)
    assert len(municipal_roadmap.answers.get(checkpoint__code="1.2").text) == 20_000


def test_the_limit_is_said_in_the_readers_numbers(client, staff, municipal_roadmap):
    client.force_login(staff)
    answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
    response = client.post(
        f"/lv/roadmaps/{municipal_roadmap.pk}/1.2/",
        {"version": answer.version, "text": OVER, "status": "in_progress"},
    )
    assert "20\xa0000" in response.text or "20 000" in response.text


def test_the_reason_and_each_need_are_limited_too(client, staff, municipal_roadmap):
    client.force_login(staff)
    response = post_answer(
        client,
        municipal_roadmap,
        "1.2",
        status="not_applicable",
        not_applicable_reason="x" * 2_001,
    )
    assert "The reason must be 2,000 characters or fewer (it has 2,001)" in response.text
    response = post_answer(client, municipal_roadmap, "1.3", need_funding="x" * 2_001)
    assert "What you need must be 2,000 characters or fewer (it has 2,001)" in response.text
    assert not municipal_roadmap.answers.filter(version__gt=1).exists()


def test_no_textarea_has_a_maxlength_that_would_cut_pasted_text(client, staff, municipal_roadmap):
    client.force_login(staff)
    for code in ("1.2", "1.3"):
        page = client.get(f"/en/roadmaps/{municipal_roadmap.pk}/{code}/")
        assert "maxlength" not in page.text


def test_a_title_over_200_characters_is_refused(client, template, staff, municipality):
    client.force_login(staff)
    response = client.post(
        "/en/roadmaps/new/", {"owner": f"m{municipality.pk}", "title": "T" * 201}
    )
    assert "The name of the initiative must be 200 characters or fewer (it has 201)" in (
        response.text
    )
    assert not Roadmap.objects.exists()


class TestAutosave:
    def test_a_too_long_text_is_refused_with_a_message_the_page_shows(
        self, client, staff, municipal_roadmap
    ):
        client.force_login(staff)
        client.post(
            f"/en/roadmaps/{municipal_roadmap.pk}/1.2/autosave/", {"version": 1, "text": "Sākums"}
        )
        response = client.post(
            f"/en/roadmaps/{municipal_roadmap.pk}/1.2/autosave/", {"version": 2, "text": OVER}
        )
        assert response.status_code == 400
        assert "data-autosave-refused" in response.text
        assert "Your answer must be 20,000 characters or fewer (it has 20,001)" in response.text
        assert "Your text is still here" in response.text
        answer = municipal_roadmap.answers.get(checkpoint__code="1.2")
        assert answer.text == "Sākums" and answer.version == 2


@pytest.mark.parametrize(
    "field, value",
    [
        ("text", "x" * 20_001),
        ("not_applicable_reason", "x" * 2_001),
        ("needs", {"funding": "ā" * 100_000, "premises": "ā" * 100_000}),
    ],
)
def test_the_database_refuses_an_answer_over_its_limits(municipal_roadmap, field, value):
    answer = municipal_roadmap.answers.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(**{field: value})


def test_the_database_takes_answers_at_their_limits(municipal_roadmap):
    answer = municipal_roadmap.answers.first()
    Answer.objects.filter(pk=answer.pk).update(
        text="ā" * 20_000,
        not_applicable_reason="ā" * 2_000,
        needs=dict.fromkeys("abcdefg", "😀" * 2_000),
    )


def test_the_database_refuses_a_title_over_200_characters(municipal_roadmap):
    # PostgreSQL's varchar(200) refuses it first (DataError); SQLite has only the CHECK.
    with pytest.raises((DataError, IntegrityError)), transaction.atomic():
        Roadmap.objects.filter(pk=municipal_roadmap.pk).update(title="T" * 201)
