"""Settings come from the environment and fail loudly on bad values."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Variables a test sets itself, never inherited from whoever runs the suite (the browser
# tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process).
CONFIGURATION = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "CAREERFIT_SERVING",
    "ALLOWED_HOSTS",
    "EMAIL_HOST",
    "PROXY_COUNT",
}


def documented_production_environment() -> dict[str, str]:
    """The production environment as docs/deployment.md gives it, placeholders filled."""
    text = (ROOT / "docs" / "deployment.md").read_text()
    block = text.split("<!-- production environment -->", 1)[1].split("```")[1]
    variables = dict(re.findall(r"^([A-Z_]+)=(.*)$", block, re.MULTILINE))
    assert variables, "docs/deployment.md lost its production environment block"
    return {
        name: secrets.token_urlsafe(50) if value.startswith("<") else value
        for name, value in variables.items()
    }


def _start(env: dict[str, str], code: str = "import careerfit.wsgi") -> subprocess.CompletedProcess:
    """Start the app as gunicorn would (import the WSGI application), or run `code`."""
    clean = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "careerfit.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _start({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_development_server_refuses_too_without_a_secret_key():
    result = _start(
        {"DEBUG": "0"},
        code="import sys; sys.argv = ['manage.py', 'runserver'];import django; django.setup()",
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts_and_a_mail_server():
    result = _start({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)})

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr
    assert "EMAIL_HOST is not set" in result.stderr
    assert "SECRET_KEY is not set" not in result.stderr


def test_production_starts_with_the_documented_environment():
    result = _start(documented_production_environment())

    assert result.returncode == 0, result.stderr


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in CONFIGURATION}, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_environment():
    result = _check_deploy(documented_production_environment())

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_mail_would_go_to_the_logs():
    env = documented_production_environment()
    del env["EMAIL_HOST"]

    result = _check_deploy(env)

    assert result.returncode != 0
    assert "careerfit.W001" in result.stderr


_HTTPS_PROBE = """
import django
django.setup()
from django.test import Client
response = Client().get("/no-such-page", HTTP_X_FORWARDED_PROTO="https")
print(response.status_code)
"""


def test_a_client_claiming_https_is_believed_only_behind_a_proxy():
    env = {"DEBUG": "0", "SECRET_KEY": "x", "ALLOWED_HOSTS": "testserver"}

    direct = _start({**env, "PROXY_COUNT": "0"}, code=_HTTPS_PROBE)
    proxied = _start({**env, "PROXY_COUNT": "1"}, code=_HTTPS_PROBE)

    # Redirected to HTTPS: the claim was not believed. 404: it was, and the page is missing.
    assert direct.stdout.split() == ["301"], direct.stderr
    assert proxied.stdout.split() == ["404"], proxied.stderr


def test_it_starts_without_a_secret_key_in_debug():
    assert _start({"DEBUG": "1"}).returncode == 0


def test_commands_that_serve_nothing_run_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_it_names_the_variable_holding_a_bad_value():
    result = _start({"DEBUG": "maybe", "SECRET_KEY": "x"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr
    result = _start({"SECRET_KEY": "x", "SQLITE_TIMEOUT": "soon"})
    assert "SQLITE_TIMEOUT must be a whole number" in result.stderr


_SQLITE_PROBE = """
import sqlite3
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    print("journal_mode", cursor.execute("PRAGMA journal_mode").fetchone()[0])
    print("busy_timeout", cursor.execute("PRAGMA busy_timeout").fetchone()[0])
other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
other.execute("BEGIN IMMEDIATE")
other.execute("ROLLBACK")
with transaction.atomic():
    connection.cursor().execute("SELECT 1")  # no write: the lock must be taken at BEGIN
    try:
        other.execute("BEGIN IMMEDIATE")
        print("lock_at_begin", "no")
    except sqlite3.OperationalError as exc:
        print("lock_at_begin", "yes" if "locked" in str(exc) else exc)
"""


def test_sqlite_runs_in_wal_mode_and_locks_for_writing_when_a_transaction_begins(tmp_path):
    # A subprocess on a fresh SQLite file, so this runs whichever database the suite uses.
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", _SQLITE_PROBE],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "careerfit.settings",
            "SECRET_KEY": "x",
            "SQLITE_PATH": str(tmp_path / "probe.sqlite3"),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    readings = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert readings == {"journal_mode": "wal", "busy_timeout": "20000", "lock_at_begin": "yes"}


def test_postgres_is_selected_by_database_url():
    code = (
        "import django; django.setup(); from django.db import connection;"
        "print(connection.vendor, connection.settings_dict['NAME'])"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "careerfit.settings",
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/careerfit",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["postgresql", "careerfit"]
