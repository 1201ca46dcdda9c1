"""Production settings pass Django's deploy checks, and refuse to start without their secrets."""

from __future__ import annotations

import base64
import os
import platform
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# Variables mano/testenv.py (or a developer's shell) may have set; the subprocess must not inherit them.
INHERITED = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "SECURE_SSL_REDIRECT",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _clean_env() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if name not in INHERITED
        and not name.startswith(("MANO_", "EMAIL_", "SECRET_KEY", "DJANGO_"))
        and not name.endswith("_FILE")
    }


def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        **_clean_env(),
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "MANO_PEPPER": base64.b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "mano.example.org",
        "SITE_URL": "https://mano.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    """`manage.py check --deploy --fail-level WARNING` exits 0: HSTS, secure cookies, SSL redirect, secret key..."""
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_production_settings_really_are_production(tmp_path):
    """Control for the test above: the subprocess did load DEBUG=False, secure cookies and the `__Host-` names."""
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_NAME, s.MANO_KEY_COOKIE, s.MANO_KDF_MEMORY_KIB)"
    )
    env = {**production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "mano.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True", "True", "__Host-mano-session", "__Host-mano-key", "65536"]


@pytest.mark.parametrize("missing", ["MANO_PEPPER", "SECRET_KEY"])
def test_production_refuses_to_start_without_its_secret(tmp_path, missing):
    """DEBUG=False without the pepper (or the secret key) stops at startup with a message naming it."""
    env = production_env(tmp_path)
    del env[missing]
    done = manage(env, "check")
    assert done.returncode != 0
    assert missing in done.stderr
    assert "ImproperlyConfigured" in done.stderr


@pytest.mark.parametrize("pepper", ["not base64 at all!", base64.b64encode(b"too short").decode()])
def test_production_refuses_a_pepper_that_is_not_32_base64_bytes(tmp_path, pepper):
    env = {**production_env(tmp_path), "MANO_PEPPER": pepper}
    result = manage(env, "check")
    assert result.returncode != 0
    assert "MANO_PEPPER must be base64" in result.stderr


def test_a_gunicorn_worker_has_its_views_loaded_and_startup_objects_out_of_the_collectors_sight(tmp_path):
    """mano.wsgi (what gunicorn imports) loads every view module, freezes what startup allocated and raises the
    collection thresholds (mano.core.runtime): a heavy page then no longer pays full collections over them."""
    script = (
        "import gc, sys; default = gc.get_threshold(); import mano.wsgi; "
        "from mano.core.runtime import THRESHOLDS; "
        "print(default != THRESHOLDS, gc.get_threshold() == THRESHOLDS, gc.get_freeze_count() > 10_000, "
        "'mano.agenda.views.calendar' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "True"]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_a_gunicorn_worker_gives_the_memory_a_request_freed_back_once_it_answered(tmp_path):
    """60 MB of 300 KB buffers freed between longer-lived ones stay in a process's memory with glibc's default
    (after a first large buffer was freed, such buffers come from the heap); mano.wsgi hands them back to the
    system once a response is sent (mano.core.runtime.give_back_freed_memory)."""
    script = (
        "import mano.wsgi\n"
        "from django.test import Client\n"
        "def rss():\n"
        "    with open('/proc/self/status') as f:\n"
        "        return next(int(line.split()[1]) for line in f if line.startswith('VmRSS'))\n"
        "big = b'x' * (8 << 20); del big\n"
        "buffers, kept = [], []\n"
        "for _ in range(200):\n"
        "    buffers.append(b'x' * 300_000); kept.append(b'y' * 100_000)\n"
        "del buffers\n"
        "freed = rss()\n"
        "status = Client().get('/connexion/', HTTP_HOST='mano.example.org', secure=True).status_code\n"
        "print(status, freed - rss())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**production_env(tmp_path), "MANO_STATIC_MANIFEST": "False"},  # no collectstatic here
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    status, given_back = done.stdout.split()
    assert status == "200"
    assert int(given_back) > 50_000  # KiB
