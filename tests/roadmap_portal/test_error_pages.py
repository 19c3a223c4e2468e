"""The 403, 404, 500 and CSRF-failure pages: the portal's layout in the visitor's language."""

from unittest import mock

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext

from orgs.models import Organization
from roadmap_portal import urls as portal_urls
from roadmap_portal.lib.http import PermissionDeniedWithReason

LITHUANIAN_SKIP_LINK = "Pereiti prie pagrindinio turinio"


COOKIE_MISSING = (
    "Your browser did not send this site's cookie, which the portal needs to check that the"
    " form came from you. Allow cookies for this site, then try again."
)


def lithuanian(text):
    """The page's Lithuanian for an English text: it must have one (no English fallback)."""
    with translation.override("lt"):
        translated = gettext(text)
    assert translated != text, f"no Lithuanian for {text!r}"
    return translated


def raise_a_bug(request):
    raise RuntimeError("a bug in a view")


def forbidden(request):
    # As orgs.services raise it: a message for the logs.
    raise PermissionDenied("Nobody decides on their own request.")


def forbidden_with_reason(request):
    raise PermissionDeniedWithReason("The entry of A & <B> is not published yet.")


def count_organizations(request):
    # With the database down, this query raises.
    Organization.objects.count()


# This module is the URL configuration of the tests below: the portal's, with views that fail.
urlpatterns = [
    *portal_urls.urlpatterns,
    *i18n_patterns(
        path("test-bug/", raise_a_bug),
        path("test-database/", count_organizations),
        path("test-forbidden/", forbidden),
        path("test-forbidden-with-reason/", forbidden_with_reason),
    ),
]
handler400 = getattr(portal_urls, "handler400", None)  # None: Django's own
handler403 = getattr(portal_urls, "handler403", None)  # None: Django's own
handler500 = getattr(portal_urls, "handler500", None)

pytestmark = pytest.mark.usefixtures("production_errors")


@pytest.fixture
def production_errors():
    with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
        yield


@pytest.fixture
def database_down():
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        yield


def assert_in_layout(response, language):
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'href="#main"' in html
    assert 'id="main"' in html
    return html


def test_a_form_over_the_upload_limit_gives_400_in_the_layout_saying_what_to_shorten(
    client, db, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post("/lt/organizations/register/", {"description": "vārdi " * 5000})
    assert response.status_code == 400
    html = assert_in_layout(response, "lt")
    assert lithuanian("The portal could not read what was sent") in html
    assert "5,000" in html or "5 000" in html or "5000" in html


def test_an_unknown_page_gives_404_in_the_layout_and_the_language_of_the_url(client, db):
    response = client.get("/lt/no-such-page/")
    assert response.status_code == 404
    html = assert_in_layout(response, "lt")
    assert LITHUANIAN_SKIP_LINK in html
    # "Page not found" comes translated by Django's own catalogue.
    assert "<h1>Puslapis nerastas</h1>" in html
    assert 'href="/lt/organizations/"' in html


def test_a_role_too_low_gives_403_in_the_layout_and_the_language_of_the_url(
    client, organization, staff
):
    client.force_login(staff)
    response = client.get(f"/lt/organizations/{organization.slug}/edit/")
    assert response.status_code == 403
    html = assert_in_layout(response, "lt")
    assert LITHUANIAN_SKIP_LINK in html
    assert lithuanian("You cannot do this") in html


def test_the_403_page_shows_no_message_of_an_exception_but_the_reasons_meant_for_visitors(
    client, db
):
    response = client.get("/en/test-forbidden/")
    assert response.status_code == 403
    html = assert_in_layout(response, "en")
    assert "Nobody decides on their own request." not in html
    assert "Your account does not have the role this page needs." in html
    response = client.get("/en/test-forbidden-with-reason/")
    assert response.status_code == 403
    html = assert_in_layout(response, "en")
    assert "<p>The entry of A &amp; &lt;B&gt; is not published yet.</p>" in html
    assert "Your account does not have the role this page needs." not in html


def test_a_form_without_its_csrf_cookie_gives_403_in_the_layout_and_says_why(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/lt/accounts/login/", {"username": "a@example.org"})
    assert response.status_code == 403
    html = assert_in_layout(response, "lt")
    assert LITHUANIAN_SKIP_LINK in html
    assert lithuanian("The form could not be sent") in html
    assert lithuanian(COOKIE_MISSING) in html


def test_a_form_with_a_stale_csrf_token_gives_403_and_asks_to_reload(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/lt/accounts/login/")  # sets the CSRF cookie
    response = client.post("/lt/accounts/login/", {"csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    html = assert_in_layout(response, "lt")
    assert lithuanian("Go back, reload the page and send the form again.") in html
    assert lithuanian(COOKIE_MISSING) not in html


def test_a_bug_gives_500_in_the_layout_and_the_language_of_the_url(db):
    client = Client(raise_request_exception=False)
    response = client.get("/lt/test-bug/")
    assert response.status_code == 500
    html = assert_in_layout(response, "lt")
    assert LITHUANIAN_SKIP_LINK in html
    assert lithuanian("Sorry, there is a problem with the portal") in html
    # The language switcher works without the database.
    assert 'hreflang="en"' in html


def test_the_500_page_renders_with_the_database_down(db, database_down):
    client = Client(raise_request_exception=False)
    response = client.get("/lt/test-database/")
    assert response.status_code == 500
    html = assert_in_layout(response, "lt")
    assert lithuanian("Sorry, there is a problem with the portal") in html


def test_the_500_page_renders_for_a_signed_in_user_with_the_database_down(db, representative):
    client = Client(raise_request_exception=False)
    client.force_login(representative)
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        # Loading the session and the user is the first query, and it fails.
        response = client.get("/lt/my-work/")
    assert response.status_code == 500
    html = assert_in_layout(response, "lt")
    assert lithuanian("Sorry, there is a problem with the portal") in html
    assert "Signed in as" not in html


def test_the_500_page_falls_back_to_text_when_its_template_fails(db):
    client = Client(raise_request_exception=False)
    with mock.patch("roadmap_portal.views.loader.get_template", side_effect=RuntimeError):
        response = client.get("/lt/test-bug/")
    assert response.status_code == 500
    assert response.content == b"Server error\n"
