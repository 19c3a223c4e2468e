import subprocess
import sys

from django.conf import settings

from .production import production_environment, production_settings

ROOT = settings.BASE_DIR


def run_check(environment, *args):
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    # .env may turn DEBUG on locally; the environment wins over it.
    result = run_check(production_environment(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_production_profile_passes_the_deploy_check():
    result = run_check(production_environment(), "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_behind_a_proxy_that_is_not_trusted_for_the_client_address():
    # Every client would have the proxy's address: one lockout and one limit for everybody.
    behind_a_proxy = production_environment(BEHIND_TLS_PROXY="true", TRUSTED_PROXY_COUNT="0")
    result = run_check(behind_a_proxy, "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "portal.W001" in result.stderr
    assert "TRUSTED_PROXY_COUNT" in result.stderr

    trusted = production_environment(BEHIND_TLS_PROXY="true", TRUSTED_PROXY_COUNT="1")
    result = run_check(trusted, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hsts_covers_the_portals_own_host_only_unless_the_deployment_says_otherwise():
    # On a municipality's subdomain, includeSubDomains would force HTTPS on all its sites.
    values = production_settings(
        production_environment(),
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    )
    assert values == {
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_hsts_subdomains_and_preload_are_turned_on_by_their_settings():
    environment = production_environment(
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true"
    )
    values = production_settings(
        environment, "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"
    )
    assert values == {"SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True}
    result = run_check(environment, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_is_silenced_only_for_the_hsts_choices_left_off():
    values = production_settings(production_environment(), "SILENCED_SYSTEM_CHECKS")
    assert sorted(values["SILENCED_SYSTEM_CHECKS"]) == ["security.W005", "security.W021"]
    values = production_settings(
        production_environment(SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true"),
        "SILENCED_SYSTEM_CHECKS",
    )
    assert values["SILENCED_SYSTEM_CHECKS"] == []
