"""The directory search: the one place that knows how organizations are found.

directory.py holds the shape every search has on both databases (one statement that
counts, sorts and pages the candidates, or a sample of them when there are many, then one
query for the page); postgresql.py
(full text, typo tolerance) and sqlite.py (folded LIKE) match, rank and order in their
own SQL; text.py folds words the same way everywhere; similar.py finds possible
duplicates. Import from here.
"""

from .directory import (
    directory_matches,
    directory_search,
    first_working_in,
    search_index_settle,
)
from .query import PAGE_SIZE, DirectoryQuery, DirectoryResult, Sort
from .similar import similar_organizations
from .text import normalize, query_terms

__all__ = [
    "PAGE_SIZE",
    "DirectoryQuery",
    "DirectoryResult",
    "Sort",
    "directory_matches",
    "directory_search",
    "first_working_in",
    "normalize",
    "query_terms",
    "search_index_settle",
    "similar_organizations",
]
