from unittest import mock

from django.test import RequestFactory, override_settings

from roadmap_portal.lib import ratelimit
from roadmap_portal.lib.ratelimit import (
    client_ip,
    rate_limit_count,
    rate_limit_minutes_left,
    rate_limit_reached,
    rate_limited,
)


def request_from(remote_addr, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


def test_a_forwarded_address_is_ignored_without_a_trusted_proxy():
    assert client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_address_it_appended_is_the_client():
    # The client forged the first entry; the proxy appended the address it saw.
    request = request_from("10.0.0.2", "198.51.100.1, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_trusted_proxies_the_client_is_second_from_the_right():
    request = request_from("10.0.0.2", "198.51.100.1, 203.0.113.9, 10.0.0.1")
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_request_that_did_not_pass_the_proxy_or_a_garbled_header_uses_the_peer():
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2", "2001:DB8::1")) == "2001:db8::"


def test_an_ipv6_client_counts_as_its_64_network_and_an_ipv4_one_as_its_address():
    # One connection holds a /64: each of its addresses is the same client.
    assert client_ip(request_from("2001:db8:1:2::1")) == "2001:db8:1:2::"
    assert client_ip(request_from("2001:DB8:1:2:AB:CD:EF:99")) == "2001:db8:1:2::"
    assert client_ip(request_from("2001:db8:1:3::1")) == "2001:db8:1:3::"
    assert client_ip(request_from("203.0.113.5")) == "203.0.113.5"
    assert client_ip(request_from("::ffff:203.0.113.5")) == "203.0.113.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_a_forwarded_ipv6_client_counts_as_its_64_network():
    assert client_ip(request_from("10.0.0.2", "2001:db8:1:2::7")) == "2001:db8:1:2::"


def test_counting_reaches_the_limit_and_checking_counts_nothing():
    for _ in range(5):
        assert not rate_limit_reached("test:a", limit=3, window_seconds=60)
    assert rate_limit_count("test:a", window_seconds=60) == 1
    rate_limit_count("test:a", window_seconds=60)
    assert not rate_limit_reached("test:a", limit=3, window_seconds=60)
    rate_limit_count("test:a", window_seconds=60)
    assert rate_limit_reached("test:a", limit=3, window_seconds=60)
    assert not rate_limit_reached("test:b", limit=3, window_seconds=60)


def test_rate_limited_counts_each_attempt_and_refuses_past_the_limit():
    assert [rate_limited("test:c", limit=2, window_seconds=60) for _ in range(3)] == [
        False,
        False,
        True,
    ]


def test_a_new_window_starts_a_new_count():
    with mock.patch.object(ratelimit.time, "time", return_value=3600 * 1000 + 10):
        rate_limit_count("test:d", window_seconds=3600)
        assert rate_limit_reached("test:d", limit=1, window_seconds=3600)
        assert rate_limit_minutes_left(window_seconds=3600) == 60
    with mock.patch.object(ratelimit.time, "time", return_value=3600 * 1001 + 10):
        assert not rate_limit_reached("test:d", limit=1, window_seconds=3600)


def test_the_minutes_left_are_whole_and_at_least_one():
    with mock.patch.object(ratelimit.time, "time", return_value=3600 * 1000 + 3599.5):
        assert rate_limit_minutes_left(window_seconds=3600) == 1
    with mock.patch.object(ratelimit.time, "time", return_value=3600 * 1000 + 1800):
        assert rate_limit_minutes_left(window_seconds=3600) == 30
