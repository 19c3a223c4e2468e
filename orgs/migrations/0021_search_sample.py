"""Samples for broad searches (orgs/search/postgresql.py): every published entry falls into
one bucket of 16, of 64, of 256 and of 1,024 by its id, and the GIN index carries the
buckets beside the words and filters. A query that matches a large share of the directory
is answered from one bucket of its matches, so its cost stays flat however many match.
A municipality's page lists the first of its entries in name order from an index on both.
SQLite skips this migration (its directory is small)."""

from django.db import migrations

from roadmap_portal.lib.migrations import PostgresOnlySQL

FORWARD = """
ALTER TABLE orgs_organization ADD COLUMN sample_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig,
        'q16x' || (id % 16)::text || ' q64x' || (id % 64)::text
        || ' q256x' || (id % 256)::text || ' q1024x' || (id % 1024)::text)
) STORED;
DROP INDEX orgs_org_search_gin;
CREATE INDEX orgs_org_search_gin ON orgs_organization
    USING gin (search_vector, facet_vector, sample_vector) WHERE status = 'published';
CREATE INDEX orgs_org_published_home_name_icu ON orgs_organization
    (home_municipality_id, (name COLLATE "und-x-icu"), id) WHERE status = 'published';
"""

BACKWARD = """
DROP INDEX orgs_org_published_home_name_icu;
DROP INDEX orgs_org_search_gin;
ALTER TABLE orgs_organization DROP COLUMN sample_vector;
CREATE INDEX orgs_org_search_gin ON orgs_organization
    USING gin (search_vector, facet_vector) WHERE status = 'published';
"""


class Migration(migrations.Migration):
    dependencies = [("orgs", "0020_list_page_indexes")]

    operations = [PostgresOnlySQL(FORWARD, BACKWARD)]
