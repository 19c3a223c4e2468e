"""The page cache (roadmap_portal/lib/pagecache.py): public pages kept for visitors who
are not signed in, never for anyone who could see something of their own, and rendered
again as soon as an entry changes."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs import views
from orgs.counts import directory_counts_refresh
from orgs.models import Organization
from orgs.services import (
    INVITATION,
    invitation_accept,
    organization_confirm_still_correct,
    organization_update,
)
from roadmap_portal.lib import pagecache
from roadmap_portal.lib.pagecache import cached_page
from roadmap_portal.lib.replica import PIN_COOKIE
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def rename_behind_the_services_back(organization, name):
    Organization.objects.filter(pk=organization.pk).update(name=name)


def test_a_visitor_gets_the_kept_page_without_a_query(client, organization):
    url = organization.get_absolute_url()
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert len(queries) == 0
    assert second["Content-Type"] == first["Content-Type"]
    # The middleware's headers are on the copy too.
    assert second["Content-Security-Policy"]
    assert second["Content-Language"] == first["Content-Language"]


def test_a_change_to_an_entry_shows_at_once_to_everyone(
    client, organization, representative, django_capture_on_commit_callbacks
):
    url = "/en/organizations/"
    assert "Biedrība „Brīnumiņš”" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        _change_the_entry(organization, representative, "Biedrība Zīlīte")
    page = client.get(url).text
    assert "Biedrība Zīlīte" in page
    assert "Brīnumiņš" not in page


def test_a_signed_in_user_never_gets_a_kept_page(client, organization, staff):
    url = organization.get_absolute_url()
    client.get(url)
    rename_behind_the_services_back(organization, "Jaunais nosaukums")
    assert "Jaunais nosaukums" not in client.get(url).text  # kept for visitors
    client.force_login(staff)
    assert "Jaunais nosaukums" in client.get(url).text


@pytest.mark.parametrize("cookie", ["sessionid", "messages", PIN_COOKIE])
def test_a_visitor_with_a_cookie_of_their_own_gets_a_fresh_page(client, organization, cookie):
    url = organization.get_absolute_url()
    client.get(url)
    rename_behind_the_services_back(organization, "Jaunais nosaukums")
    client.cookies[cookie] = "9999999999"
    assert "Jaunais nosaukums" in client.get(url).text


def test_only_a_plain_200_is_kept(client, organization):
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
    url = organization.get_absolute_url()
    assert client.get(url).status_code == 404
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PUBLISHED)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "respond",
    [
        lambda request: (get_token(request), HttpResponse("csrf"))[1],
        lambda request: _with_cookie(HttpResponse("cookie")),
        lambda request: HttpResponse("private", headers={"Cache-Control": "private"}),
        lambda request: HttpResponse("created", status=201),
    ],
    ids=["uses-the-csrf-token", "sets-a-cookie", "private", "not-200"],
)
def test_a_response_of_a_visitors_own_is_never_kept(respond):
    calls = []

    @cached_page
    def view(request):
        calls.append(1)
        return respond(request)

    for _ in range(2):
        request = RequestFactory().get("/lv/")
        request.user = _Anonymous()
        view(request)
    assert len(calls) == 2


def test_each_address_is_kept_apart(client, db):
    OrganizationFactory(name="Föreningen Gläntan")
    assert "Föreningen Gläntan" in client.get("/en/organizations/?q=glantan").text
    assert "Föreningen Gläntan" not in client.get("/en/organizations/?q=zzzz").text
    assert client.get("/lv/organizations/?q=glantan")["Content-Language"] == "lv"


def test_it_is_off_when_the_setting_is_zero(client, organization, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = organization.get_absolute_url()
    client.get(url)
    rename_behind_the_services_back(organization, "Jaunais nosaukums")
    assert "Jaunais nosaukums" in client.get(url).text


class _Anonymous:
    is_authenticated = False


def _with_cookie(response):
    response.set_cookie("seen", "1")
    return response


def test_a_cache_that_fails_only_means_the_page_is_rendered(client, organization, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("OOM command not allowed when used memory > 'maxmemory'")

    monkeypatch.setattr(cache, "get", refuse)
    monkeypatch.setattr(cache, "set", refuse)
    assert client.get(organization.get_absolute_url()).status_code == 200
    # The directory's filter lists, which the pages read from the same cache.
    assert organization.name in client.get(reverse("orgs:directory")).text


def _change_the_entry(organization, representative, name):
    organization.refresh_from_db()
    organization_update(
        organization=organization,
        actor=representative,
        values={"name": name},
        version=organization.version,
        base_url="http://testserver",
    )


def _renewing_key(url):
    return pagecache._key(RequestFactory().get(url)) + ":renewing"


def test_while_one_request_renders_a_changed_page_the_others_get_the_copy(
    client, organization, representative, django_capture_on_commit_callbacks
):
    url = "/en/organizations/"
    assert "Brīnumiņš" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        _change_the_entry(organization, representative, "Biedrība Zīlīte")
    # Another worker is rendering the page again: this visitor gets the copy, at once.
    cache.add(_renewing_key(url), True, 30)
    with CaptureQueriesContext(connection) as queries:
        copy = client.get(url).text
    assert "Brīnumiņš" in copy
    assert len(queries) == 0
    # Once nobody renders it, the next request does, and everyone gets the new page.
    cache.delete(_renewing_key(url))
    assert "Biedrība Zīlīte" in client.get(url).text
    assert cache.get(_renewing_key(url)) is None
    with CaptureQueriesContext(connection) as queries:
        assert "Biedrība Zīlīte" in client.get(url).text
    assert len(queries) == 0


def test_every_change_is_rendered_again_not_only_the_first(
    client, organization, representative, django_capture_on_commit_callbacks
):
    url = organization.get_absolute_url()
    client.get(url)
    for name in ["Biedrība Zīlīte", "Biedrība Pūce"]:
        with django_capture_on_commit_callbacks(execute=True):
            _change_the_entry(organization, representative, name)
        assert name in client.get(url).text


def test_a_render_that_fails_lets_the_next_request_try(
    client, organization, representative, django_capture_on_commit_callbacks, monkeypatch
):
    url = organization.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        _change_the_entry(organization, representative, "Biedrība Zīlīte")

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("orgs.views.entry_profile", fail)
    with pytest.raises(RuntimeError):
        client.get(url)
    assert cache.get(_renewing_key(url)) is None
    monkeypatch.undo()
    assert "Biedrība Zīlīte" in client.get(url).text


def test_with_a_replica_a_page_rendered_just_after_a_change_is_kept_only_past_its_lag(
    client,
    organization,
    representative,
    django_capture_on_commit_callbacks,
    monkeypatch,
    settings,
):
    settings.REPLICA_PIN_SECONDS = 10
    monkeypatch.setattr(pagecache, "replica_configured", lambda: True)
    kept_for = {}
    real_set = cache.set

    def recording_set(key, value, timeout=None, **kwargs):
        if re.fullmatch(r"pagecache:[0-9a-f]{64}", key):  # a page, not a generation
            kept_for[key] = timeout
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    url = organization.get_absolute_url()
    client.get(url)
    assert list(kept_for.values()) == [60]  # no change yet
    with django_capture_on_commit_callbacks(execute=True):
        _change_the_entry(organization, representative, "Biedrība Zīlīte")
    kept_for.clear()
    client.get(url)
    # The replica may not have the change yet: kept until the pin's 10 s are over.
    [timeout] = kept_for.values()
    assert 1 <= timeout <= 10


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        text = client.get(url).text
    return len(queries), text


def test_a_change_to_one_entry_keeps_the_pages_of_the_others(
    client, organization, representative, django_capture_on_commit_callbacks
):
    other = OrganizationFactory(name="Biedrība Ozols")
    for url in ["/en/organizations/", organization.get_absolute_url(), other.get_absolute_url()]:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        _change_the_entry(organization, representative, "Biedrība Zīlīte")
    # Its own page and the lists are rendered again...
    assert "Biedrība Zīlīte" in client.get(organization.get_absolute_url()).text
    assert "Biedrība Zīlīte" in client.get("/en/organizations/").text
    # ...the other entry's page is served as it was kept.
    queries, text = _queries_for(client, other.get_absolute_url())
    assert (queries, "Biedrība Ozols" in text) == (0, True)


def test_a_change_to_every_entry_renders_every_entrys_page_again(
    client, organization, django_capture_on_commit_callbacks
):
    client.get(organization.get_absolute_url())
    # An import writes many entries at once and says so without naming them.
    rename_behind_the_services_back(organization, "Biedrība Zīlīte")
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.public_pages_changed()
    assert "Biedrība Zīlīte" in client.get(organization.get_absolute_url()).text


def test_new_counts_render_the_lists_again_but_not_the_entries_pages(
    client, organization, django_capture_on_commit_callbacks
):
    client.get("/en/")
    client.get(organization.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        directory_counts_refresh()
    assert _queries_for(client, "/en/")[0] > 0
    assert _queries_for(client, organization.get_absolute_url())[0] == 0


def test_the_copy_of_an_entry_no_longer_public_is_dropped_once_a_render_found_it_gone(
    client, organization, representative, django_capture_on_commit_callbacks
):
    url = organization.get_absolute_url()
    client.get(url)
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.ARCHIVED)
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.public_pages_changed(entry=organization.slug)
    assert client.get(url).status_code == 404
    # Afterwards, a request that arrives while another renders gets no copy of it either.
    cache.add(_renewing_key(url), True, 30)
    assert client.get(url).status_code == 404


def test_a_renewal_that_answers_with_a_page_not_to_keep_drops_the_copy(db):
    answers = [HttpResponse("the entry"), _with_cookie(HttpResponse("gone now"))]

    @cached_page
    def view(request):
        return answers.pop(0)

    def visit():
        request = RequestFactory().get("/lv/")
        request.user = _Anonymous()
        return view(request).content

    assert visit() == b"the entry"
    pagecache._moved_on()  # an entry changed
    assert visit() == b"gone now"  # rendered again, not kept (it sets a cookie)
    assert cache.get(pagecache._key(RequestFactory().get("/lv/"))) is None


def test_a_page_read_before_a_change_that_commits_while_it_renders_is_not_kept(
    client, organization, monkeypatch
):
    url = organization.get_absolute_url()
    real_profile = views.entry_profile

    def profile_then_a_change(entry):
        profile = real_profile(entry)
        pagecache._moved_on(entry=organization.slug)  # another worker's write commits
        return profile

    monkeypatch.setattr(views, "entry_profile", profile_then_a_change)
    client.get(url)
    monkeypatch.undo()
    # Nothing kept: no copy of the page before the change for anyone to be served.
    assert cache.get(pagecache._key(RequestFactory().get(url))) is None
    assert _queries_for(client, url)[0] > 0


def test_a_cache_that_fails_after_the_commit_does_not_fail_the_write(
    organization, representative, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionError("OOM command not allowed when used memory > 'maxmemory'")

    monkeypatch.setattr(cache, "set", refuse)
    monkeypatch.setattr(cache, "set_many", refuse)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _change_the_entry(organization, representative, "Biedrība Zīlīte")
    assert callbacks  # the page cache's was among them, and failed
    organization.refresh_from_db()
    assert organization.name == "Biedrība Zīlīte"


def test_what_an_entrys_page_shows_beyond_its_row_renders_it_again(
    client, organization, django_capture_on_commit_callbacks
):
    url = organization.get_absolute_url()
    client.get(url)
    municipality = organization.home_municipality
    with django_capture_on_commit_callbacks(execute=True):
        municipality.name = "Talsu novads (jaunais)"
        municipality.save()
    assert "Talsu novads (jaunais)" in client.get(url).text

    user = UserFactory(email="jauns.parstavis@example.lv")
    token = INVITATION.make({"organization": organization.pk, "email": user.email})
    for change in [
        lambda: organization_confirm_still_correct(organization=organization),
        lambda: invitation_accept(token=token, user=user),  # it can now be written to
    ]:
        client.get(url)
        assert _queries_for(client, url)[0] == 0
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert _queries_for(client, url)[0] > 0
