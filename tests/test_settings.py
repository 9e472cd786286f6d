"""Settings come from the environment and fail loudly on bad values."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

ROOT = Path(__file__).resolve().parent.parent


def _start(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
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


def test_it_starts_without_a_secret_key_in_debug():
    assert _start({"DEBUG": "1"}).returncode == 0


def test_it_names_the_variable_holding_a_bad_value():
    result = _start({"DEBUG": "maybe", "SECRET_KEY": "x"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr
    result = _start({"SECRET_KEY": "x", "SQLITE_TIMEOUT": "soon"})
    assert "SQLITE_TIMEOUT must be a whole number" in result.stderr


sqlite_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "") != "", reason="SQLite settings; this run uses DATABASE_URL"
)


@sqlite_only
@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20000


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_transactions_take_the_write_lock_when_they_begin():
    path = connection.settings_dict["NAME"]
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        with transaction.atomic():
            # No write yet: IMMEDIATE mode has taken the lock at BEGIN all the same.
            connection.cursor().execute("SELECT 1")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


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
