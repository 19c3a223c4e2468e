"""The partnership pages, one module per part: partnership (the list, start, task list,
details, partners), plans (both plans' rows, exports, calendar), signoff (check and sign,
revisions, publication), documents (the signed PDF, verification)."""
