"""Every page of the portal, in Lithuanian, without the English of Django or a third-party
package: a message those packages leave untranslated would show in English (or, through
Django's fallback to LANGUAGE_CODE, in Latvian) and nobody reading Lithuanian would notice.

The pages are the permission matrix's: each URL, as the first role that gets the page
(200) on a GET, and the form shown again with its errors on a POST.
"""

import pytest
from django.db import transaction

from .matrix import ROLES, Xfail, build_cast, path_of
from .test_permission_matrix import MATRIX, PATTERNS_BY_NAME

pytestmark = pytest.mark.django_db

# Text Django and the packages write into the portal's pages, in their English.
ENGLISH = (
    "- Select an option -",
    "This field is required.",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "This password is too short",
    "The two password fields",
    "Your password can’t",
    "Submit",
)


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_cast()
        transaction.set_rollback(True)


def page_cases():
    for name, url in MATRIX.items():
        if url.path is not None:
            continue
        for method, case, row in url.rows():
            role = next((role for role in ROLES if row[role] == 200), None)
            if role is not None and not isinstance(row[role], Xfail):
                yield pytest.param(name, case, method, role, id=f"{name}|{case}|{method}")


@pytest.mark.parametrize(("name", "case", "method", "role"), list(page_cases()))
def test_a_lithuanian_page_has_no_english_from_django_or_a_package(
    client, cast, name, case, method, role
):
    url = MATRIX[name]
    obj = cast.object(case, role)
    path = path_of(PATTERNS_BY_NAME[name], url.kwargs(obj) if url.kwargs else {})
    if not path.startswith("/en/"):
        pytest.skip("outside the language prefix")
    path = "/lt/" + path.removeprefix("/en/")
    cast.sign_in(client, cast.user(role, case))
    response = client.get(path) if method == "GET" else client.post(path, url.body(obj))
    assert response.status_code == 200
    if response.streaming or not response["Content-Type"].startswith("text/html"):
        pytest.skip("not a page")
    text = response.content.decode()
    assert [english for english in ENGLISH if english in text] == []
