"""Full-text search on PostgreSQL: unaccent, pg_trgm, generated tsvectors, GIN indexes.

The columns are not on the Django model: PostgreSQL computes them from the model's columns,
and orgs/search.py is the only code that reads them. SQLite skips this migration.
"""

from django.db import migrations

from roadmap_portal.lib.migrations import PostgresOnlySQL

FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- 'simple' (no stemming: six languages share one index) with accents removed.
CREATE TEXT SEARCH CONFIGURATION portal_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION portal_search
    ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart
    WITH unaccent, simple;

-- Names weigh more than purpose and services when ranking.
ALTER TABLE orgs_organization ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('portal_search'::regconfig,
        coalesce(name, '') || ' ' || coalesce(short_name, '')), 'A')
    || setweight(to_tsvector('portal_search'::regconfig, coalesce(search_text, '')), 'C')
) STORED;

-- One word per filter value (Organization.build_facet_tokens).
ALTER TABLE orgs_organization ADD COLUMN facet_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, coalesce(facet_tokens, ''))
) STORED;

-- One index answers any mix of text and filters over published entries.
CREATE INDEX orgs_org_search_gin ON orgs_organization
    USING gin (search_vector, facet_vector) WHERE status = 'published';

-- Names in the order people expect in every language (Ā by A, Š by S, Greek after Latin),
-- whatever the database's own collation is: the root ICU collation.
CREATE INDEX orgs_org_published_name_icu ON orgs_organization
    ((name COLLATE "und-x-icu"), id) WHERE status = 'published';

-- Spelling suggestions: nearest word by trigram distance (KNN needs GiST), and prefix
-- lookups (LIKE 'abc%' needs pattern ops under a non-C collation).
CREATE INDEX orgs_searchword_trgm ON orgs_searchword USING gist (word gist_trgm_ops);
CREATE INDEX orgs_searchword_prefix ON orgs_searchword (word text_pattern_ops);
"""

BACKWARD = """
DROP INDEX IF EXISTS orgs_searchword_prefix;
DROP INDEX IF EXISTS orgs_org_published_name_icu;
DROP INDEX IF EXISTS orgs_searchword_trgm;
DROP INDEX IF EXISTS orgs_org_search_gin;
ALTER TABLE orgs_organization DROP COLUMN IF EXISTS facet_vector;
ALTER TABLE orgs_organization DROP COLUMN IF EXISTS search_vector;
DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_search;
"""


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [PostgresOnlySQL(FORWARD, BACKWARD)]
