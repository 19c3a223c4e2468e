import os
import subprocess
import sys

from django.conf import settings

ROOT = settings.BASE_DIR


def run_check(extra_env, *args):
    # A clean production-like environment: nothing the test run itself has set.
    test_only = {
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "EMAIL_URL",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    # .env may turn DEBUG on locally; the environment wins over it.
    result = run_check({"DEBUG": "false", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_production_profile_passes_the_deploy_check():
    result = run_check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "a-long-random-production-key-" + "x7Q" * 20,
            "ALLOWED_HOSTS": "portal.example.org",
            "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
