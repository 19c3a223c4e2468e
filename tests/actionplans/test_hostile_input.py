"""Hostile input on every form of a partnership: a NUL, 100,000 characters, a line break in a
one-line field, markup. Each is refused with a message or kept as text; never a 500, and a
refused form changes nothing."""

import pytest

from actionplans.models import Partnership

from .plan_posts import action_row, plan_post

pytestmark = pytest.mark.django_db

HOSTILE = {
    "nul": "Tikšanās\x00",
    "huge": "ā" * 100_000,
    "newline": "Pirmā\nOtrā",
    "markup": "<script>alert(1)</script>",
}


def details(partnership, **changes):
    return {
        "version": partnership.version,
        "title": partnership.title,
        "shared_result": partnership.shared_result,
        "status": "draft",
        **changes,
    }


def communication_row(**values):
    return {"id": "", "subject": "Ziņas", "audience": "Vecāki", **values}


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["title", "shared_result", "strategy", "cooperation_other"])
def test_the_details_page_refuses_or_keeps_as_text(client, staff, partnership, field, kind):
    client.force_login(staff)
    before = Partnership.objects.values().get(pk=partnership.pk)
    response = client.post(
        f"/en/partnerships/{partnership.pk}/details/",
        details(partnership, **{field: HOSTILE[kind]}, cooperation_forms=["other"]),
    )
    assert response.status_code in (200, 302)
    after = Partnership.objects.values().get(pk=partnership.pk)
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()
        assert after == before
    else:
        assert "\x00" not in str(after.values())


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["activity", "responsible_name", "goals", "blocked_reason"])
def test_the_action_plan_refuses_or_keeps_as_text(client, staff, partnership, field, kind):
    client.force_login(staff)
    row = action_row(**({"status": "blocked", "blocked_reason": "Gaidām"} | {field: HOSTILE[kind]}))
    response = client.post(
        f"/en/partnerships/{partnership.pk}/action-plan/", plan_post([row], version=1)
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()
        assert not partnership.actions.exists()
    else:
        saved = partnership.actions.get()
        assert getattr(saved, field) == HOSTILE[kind]


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["subject", "audience", "channel", "escalation"])
def test_the_communication_plan_refuses_or_keeps_as_text(client, staff, partnership, field, kind):
    client.force_login(staff)
    data = plan_post(
        [communication_row(**{field: HOSTILE[kind]})], version=1, prefix="communications"
    )
    response = client.post(f"/en/partnerships/{partnership.pk}/communication-plan/", data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()
        assert not partnership.communications.exists()
    else:
        assert getattr(partnership.communications.get(), field) == HOSTILE[kind]


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["name", "contact_name", "contact_phone", "organization"])
def test_the_partners_page_refuses_or_keeps_as_text(client, staff, partnership, field, kind):
    client.force_login(staff)
    members = list(partnership.members.values_list("pk", "role"))
    data = {
        "version": partnership.members_version,
        "lead-contact_name": "",
        "lead-contact_email": "",
        "lead-contact_phone": "",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-id": "",
        "members-0-organization": "",
        "members-0-name": "Vecāku grupa",
        "members-0-role": "funding",
        "members-0-contact_name": "",
        "members-0-contact_email": "",
        "members-0-contact_phone": "",
        f"members-0-{field}": HOSTILE[kind],
    }
    response = client.post(f"/en/partnerships/{partnership.pk}/partners/", data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert list(partnership.members.values_list("pk", "role")) == members


@pytest.mark.parametrize(
    "query", ["from=1\x00&to=draft", "from=" + "9" * 100_000, "from=<b>&to=1\n2", "to=-1"]
)
def test_what_changed_takes_any_parameters_without_a_500(client, staff, partnership, query):
    client.force_login(staff)
    response = client.get(f"/en/partnerships/{partnership.pk}/revisions/compare/?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("code", ["x\x00", "a" * 10_000, "<b>", "%0A"])
def test_the_verification_page_takes_any_code_without_a_500(client, code):
    assert client.get(f"/en/v/{code}/").status_code in (404, 400)


@pytest.mark.parametrize("value", ["\x00", "ā" * 100_000, "<b>", "1\n2"])
def test_the_sign_and_publication_forms_take_any_value_without_a_500(
    client, coordinator, partnership, value
):
    client.force_login(coordinator)
    for page, data in (
        ("check", {"content_hash": value, "party": value}),
        ("publication", {"party": value, "decision": value}),
    ):
        response = client.post(f"/en/partnerships/{partnership.pk}/{page}/", data)
        assert response.status_code == 200, page
    assert not partnership.revisions.exists()
    assert not partnership.publication_consents.exists()


@pytest.mark.parametrize("key", ["x\x00", "<b>", "%0A", "k" * 10_000])
def test_the_calendar_feed_takes_any_key_without_a_500(client, key):
    assert client.get(f"/en/calendar/{key}.ics").status_code == 404
