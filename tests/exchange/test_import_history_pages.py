"""The import page's list of earlier imports is paged: its cost does not grow with the
number of imports (roadmap_portal/lib/pagination.py)."""

import pytest

from exchange.models import ImportRecord
from tests.listpages import assert_flat, queries_of

pytestmark = pytest.mark.django_db


def imports_by(user, municipality, start, count):
    for n in range(start, start + count):
        ImportRecord.objects.create(
            created_by=user,
            municipality=municipality,
            filename=f"dati-{n:02d}.csv",
            checksum="0" * 64,
            content=b"Name\nBiedriba A\n",
            status=ImportRecord.Status.IMPORTED,
        )


def test_it_makes_as_many_queries_with_30_imports_as_with_3(client, staff, municipality):
    imports_by(staff, municipality, 0, 3)
    client.force_login(staff)
    assert_flat(
        client,
        "/en/moderation/import/",
        add_rows=lambda: imports_by(staff, municipality, 3, 27),
        table="orgs_importrecord",
    )


def test_the_second_page_shows_the_21st_import_and_links_back(client, staff, municipality):
    imports_by(staff, municipality, 0, 25)
    client.force_login(staff)
    response, _sqls = queries_of(client, "/en/moderation/import/?page=2")
    assert "dati-04.csv" in response.text
    assert "dati-05.csv" not in response.text
    assert 'href="?" rel="prev">Previous' in response.text
    assert 'aria-label="Pages of earlier imports"' in response.text
