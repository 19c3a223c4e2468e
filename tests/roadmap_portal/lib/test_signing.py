import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing

from roadmap_portal.lib.signing import LinkInvalid, SignedLink

INVITATION = SignedLink("tests.invitation", max_age=timedelta(days=14), fields=("org", "email"))
OTHER = SignedLink("tests.other", max_age=timedelta(days=14), fields=("org", "email"))
VALUE = {"org": 7, "email": "līga@example.org"}


def made_ago(link, value, seconds):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - seconds):
        return link.make(value)


def reason(link, token):
    with pytest.raises(LinkInvalid) as caught:
        link.read(token)
    return caught.value.reason


def test_a_link_reads_back_the_value_it_was_made_with():
    token = INVITATION.make(VALUE)
    assert INVITATION.read(token) == VALUE


def test_a_token_is_one_url_path_segment():
    token = INVITATION.make(VALUE)
    assert "/" not in token and "?" not in token and "#" not in token and " " not in token


def test_a_link_works_until_its_max_age():
    assert INVITATION.read(made_ago(INVITATION, VALUE, 14 * 24 * 3600 - 60)) == VALUE


def test_a_link_older_than_its_max_age_is_expired():
    assert reason(INVITATION, made_ago(INVITATION, VALUE, 14 * 24 * 3600 + 60)) == "expired"


@pytest.mark.parametrize(
    "edit",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: token[:-10],  # cut short by a mail program
        lambda token: "x" + token,  # the value
        lambda token: "",
        lambda token: "not a token at all",
    ],
)
def test_an_edited_link_is_tampered(edit):
    assert reason(INVITATION, edit(INVITATION.make(VALUE))) == "tampered"


def test_a_link_with_another_value_of_the_same_purpose_is_not_made_by_editing():
    token = INVITATION.make(VALUE)
    payload, _, signature = token.partition(":")
    other_payload = INVITATION.make({"org": 8, "email": "x@example.org"}).partition(":")[0]
    assert reason(INVITATION, f"{other_payload}:{signature}") == "tampered"
    assert payload != other_payload


def test_a_link_of_another_purpose_is_refused():
    assert reason(INVITATION, OTHER.make(VALUE)) == "tampered"
    assert reason(OTHER, INVITATION.make(VALUE)) == "tampered"


def test_a_genuine_link_of_another_shape_is_stale():
    assert reason(INVITATION, INVITATION.make({"org": 7})) == "stale"
    assert reason(INVITATION, INVITATION.make([7, "x"])) == "stale"


def test_the_format_is_djangos_signing_with_the_purpose_as_salt():
    # Links sent before SignedLink existed (signing.dumps with the same salt) keep working.
    old = signing.dumps(VALUE, salt="tests.invitation")
    assert INVITATION.read(old) == VALUE
    assert signing.loads(INVITATION.make(VALUE), salt="tests.invitation") == VALUE


def test_a_link_made_before_a_change_of_secret_key_still_works(settings):
    token = INVITATION.make(VALUE)
    fingerprint = INVITATION.state_fingerprint("2026-01-01", True)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert INVITATION.read(token) == VALUE
    assert INVITATION.check_state(fingerprint, "2026-01-01", True)


def test_a_state_fingerprint_matches_that_state_only():
    fingerprint = INVITATION.state_fingerprint("hash", None)
    assert INVITATION.check_state(fingerprint, "hash", None)
    assert not INVITATION.check_state(fingerprint, "hash", "2026-12-01 10:00:00")
    assert not INVITATION.check_state(fingerprint, "other hash", None)
    assert not OTHER.check_state(fingerprint, "hash", None)


def test_a_state_fingerprint_does_not_show_the_state():
    fingerprint = INVITATION.state_fingerprint("pbkdf2_sha256$secret-hash")
    assert "secret" not in fingerprint and len(fingerprint) == 32


def test_the_error_names_its_reason():
    error = LinkInvalid(LinkInvalid.USED)
    assert error.reason == "used" and str(error) == "used"
