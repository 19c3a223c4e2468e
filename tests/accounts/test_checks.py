from django.test import override_settings

from accounts.checks import check_proxy_forwards_the_client_address

PROXY = ("HTTP_X_FORWARDED_PROTO", "https")  # what BEHIND_TLS_PROXY=true sets


@override_settings(SECURE_PROXY_SSL_HEADER=PROXY, TRUSTED_PROXY_COUNT=0)
def test_behind_a_proxy_without_a_trusted_proxy_count_it_warns():
    [warning] = check_proxy_forwards_the_client_address(None)
    assert warning.id == "portal.W001"


@override_settings(SECURE_PROXY_SSL_HEADER=PROXY, TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_it_is_silent():
    assert check_proxy_forwards_the_client_address(None) == []


@override_settings(SECURE_PROXY_SSL_HEADER=None, TRUSTED_PROXY_COUNT=0)
def test_without_a_proxy_it_is_silent():
    assert check_proxy_forwards_the_client_address(None) == []
