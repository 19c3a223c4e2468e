from unittest import mock

from django.db import OperationalError
from django.test import override_settings


def test_it_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_when_the_database_does_not(client, db):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_it_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


# The production profile redirects plain HTTP to HTTPS; load balancers check over plain HTTP
# and do not follow redirects.
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["portal.example.org"])
def test_it_answers_over_plain_http_when_every_other_page_is_redirected_to_https(client, db):
    response = client.get("/healthz", HTTP_HOST="portal.example.org")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    response = client.get("/lv/", HTTP_HOST="portal.example.org")
    assert response.status_code == 301
    assert response["Location"] == "https://portal.example.org/lv/"


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["portal.example.org"])
def test_it_answers_503_over_plain_http_when_the_database_does_not(client, db):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz", HTTP_HOST="portal.example.org")
    assert response.status_code == 503


# A load balancer that checks by the server's address sends it as the Host: it answers once
# that address is in ALLOWED_HOSTS (README, "Production").
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["portal.example.org", "10.0.3.7"])
def test_it_answers_a_load_balancer_whose_address_is_an_allowed_host(client, db):
    assert client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code == 200
