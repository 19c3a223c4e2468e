"""Helpers for the tests that pin a list page's query shape (roadmap_portal/lib/pagination.py):
the same number of queries with 3 rows and with 30, the list read with a LIMIT."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(client, url):
    """The page's response and the SQL of every query it made."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response, [query["sql"] for query in captured.captured_queries]


def paged_queries(sqls, table, per_page=20):
    """The queries that read one page of `table`: LIMIT per_page + 1, maybe an OFFSET."""
    limit = re.compile(rf"LIMIT {per_page + 1}( OFFSET \d+)?$")
    return [sql for sql in sqls if sql.startswith(f'SELECT "{table}".') and limit.search(sql)]


COUNT_OF_SUBQUERY = "SELECT COUNT(*) FROM (SELECT "


def capped_counts(sqls, table):
    """The count of the list: at most 1,001 rows of `table`."""
    return [
        sql
        for sql in sqls
        if sql.startswith(COUNT_OF_SUBQUERY)
        and sql[len(COUNT_OF_SUBQUERY) :].startswith(f'"{table}".')
        and "LIMIT 1001)" in sql
        # Not the menu's count of every queue (one UNION, capped too).
        and "UNION" not in sql
    ]


def assert_flat(client, url, *, add_rows, table, lists=1):
    """With the rows there are now (3) and after add_rows() (30), the page makes the same
    number of queries, and each of its `lists` lists of `table` is read one page at a time
    with a capped count."""
    _response, few = queries_of(client, url)
    add_rows()
    response, many = queries_of(client, url)
    assert len(many) == len(few), (len(few), len(many))
    assert len(paged_queries(many, table)) == lists, "\n".join(sql[:200] for sql in many)
    assert len(capped_counts(many, table)) == lists, "\n".join(sql[:200] for sql in many)
    return response
