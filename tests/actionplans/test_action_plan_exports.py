import csv
import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from actionplans.models import ActionItem
from tests.factories import ActionItemFactory

from .conftest import url_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(partnership, representative):
    today = partnership.local_today()
    member = partnership.members.get(role="signatory")
    first = ActionItemFactory(
        partnership=partnership,
        position=0,
        activity='=HYPERLINK("http://example.org")',
        responsible_user=representative,
        responsible_name="",
        responsible_member=member,
        goals="Ģimenes zina, kur vērsties",
        starts_on=today - datetime.timedelta(days=30),
        deadline=today - datetime.timedelta(days=1),
        status="in_progress",
    )
    ActionItemFactory(
        partnership=partnership,
        position=1,
        activity="Telpu remonts",
        ongoing=True,
        status="blocked",
        blocked_reason="Nav finansējuma",
        depends_on=first,
    )
    return first


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_has_a_row_per_action_in_order_for_excel(client, partnership, staff, plan):
    client.force_login(staff)
    response = client.get(url_of("actions_csv", pk=partnership.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, first, second = csv_rows(response)
    assert header == [
        "Number",
        "Activity or action",
        "Responsible person",
        "Partner",
        "Goals",
        "Start date",
        "Deadline",
        "Status",
        "Why it is blocked",
        "Depends on",
        "Overdue",
    ]
    assert first[0] == "1"
    assert first[1] == '\'=HYPERLINK("http://example.org")'  # a formula made text
    assert first[2:5] == [
        str(plan.responsible_user),
        plan.responsible_member.partner_name,
        "Ģimenes zina, kur vērsties",
    ]
    assert first[5] == plan.starts_on.isoformat()
    assert first[6] == plan.deadline.isoformat()
    assert first[7:] == ["In progress", "", "", "yes"]
    assert second == [
        "2",
        "Telpu remonts",
        "Anna Bērziņa",
        "",
        "",
        "",
        "ongoing",
        "Blocked",
        "Nav finansējuma",
        "1",
        "no",
    ]


def test_the_csv_speaks_the_users_language(client, partnership, staff, plan):
    client.force_login(staff)
    with_latvian = client.get(url_of("actions_csv", pk=partnership.pk).replace("/en/", "/lv/", 1))
    with translation.override("lv"):
        in_progress = str(ActionItem.Status.IN_PROGRESS.label)
    assert in_progress != "In progress"
    assert csv_rows(with_latvian)[1][7] == in_progress


def test_the_xlsx_holds_the_same_rows_with_formulas_made_text(
    client, partnership, representative, plan
):
    client.force_login(representative)
    response = client.get(url_of("actions_xlsx", pk=partnership.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[0][0] == "Number"
    assert rows[1][0] == 1 and rows[1][1].startswith("'=")
    assert rows[2][6] == "ongoing" and rows[2][9] == 1


@pytest.mark.parametrize("name", ["actions_csv", "actions_xlsx"])
def test_outsiders_get_404_and_a_post_is_not_allowed(
    client, partnership, outsider, other_representative, staff, name
):
    url = url_of(name, pk=partnership.pk)
    for user in (outsider, other_representative):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.post(url).status_code == 405


def test_the_export_takes_the_same_queries_however_many_rows(
    client, partnership, staff, django_assert_num_queries
):
    client.force_login(staff)
    url = url_of("actions_csv", pk=partnership.pk)
    client.get(url)
    counts = []
    for count in (3, 30):
        ActionItemFactory.create_batch(
            count,
            partnership=partnership,
            responsible_member=partnership.members.get(role="signatory"),
        )
        with django_assert_num_queries(4) as captured:
            b"".join(client.get(url).streaming_content)
        counts.append(len(captured))
    assert counts[0] == counts[1]
