"""`make audit` (tools/audit.py): a pass only when the vulnerability database answered."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("audit", ROOT / "tools" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def fake_pip_audit(monkeypatch, *, dependencies=None, stderr="", returncode=0):
    def run(command, **kwargs):
        if dependencies is not None:
            output = Path(command[command.index("--output") + 1])
            output.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
        return subprocess.CompletedProcess(command, returncode, "", stderr)

    monkeypatch.setattr(audit.subprocess, "run", run)
    monkeypatch.setattr(audit.sys, "argv", ["audit.py"])


DJANGO = {"name": "django", "version": "5.2.19", "vulns": []}


def test_it_passes_when_every_package_was_checked_and_none_is_vulnerable(monkeypatch, capsys):
    fake_pip_audit(monkeypatch, dependencies=[DJANGO])

    assert audit.main() == 0
    assert "Audited 1 locked packages: 0 with known vulnerabilities." in capsys.readouterr().out


def test_it_fails_on_a_known_vulnerability(monkeypatch, capsys):
    vulnerable = {**DJANGO, "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.20"]}]}
    fake_pip_audit(monkeypatch, dependencies=[vulnerable], returncode=1)

    assert audit.main() == 1
    assert "django 5.2.19: PYSEC-1 (fixed in 5.2.20)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "outcome",
    [
        # PyPI's JSON API unreachable: pip-audit skips everything and says all is well.
        {"dependencies": [{"name": "django", "version": "5.2.19", "skip_reason": "not found"}]},
        # OSV unreachable: a connection error.
        {"stderr": "requests.exceptions.ConnectionError: Failed to resolve", "returncode": 1},
    ],
    ids=["pypi-skips-everything", "osv-connection-error"],
)
def test_it_says_plainly_when_the_database_cannot_be_reached(monkeypatch, capsys, outcome):
    fake_pip_audit(monkeypatch, **outcome)

    assert audit.main() == 2
    assert "AUDIT NOT DONE: the vulnerability database could not be reached" in (
        capsys.readouterr().err
    )
