"""`make audit`: check the locked dependencies for known vulnerabilities with pip-audit, and
say plainly when the vulnerability database cannot be reached instead of passing.

pip-audit asks PyPI's JSON API (or OSV) about each package. When that service cannot be
reached it either fails with a connection error or, for PyPI, skips every package as "not
found" and still reports "No known vulnerabilities found". Both are told apart here.

Exit status: 0 nothing known, 1 vulnerabilities found, 2 the database could not be reached.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements-dev.lock"  # the runtime lock and the tools, all pinned with hashes
UNREACHABLE = 2


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir:
        report = Path(workdir) / "audit.json"
        command = [
            str(Path(sys.executable).parent / "pip-audit"),
            "--requirement",
            str(LOCK),
            "--require-hashes",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report),
            *sys.argv[1:],
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if not report.exists() or not report.read_text().strip():
            if "ConnectionError" in result.stderr or "Failed to resolve" in result.stderr:
                return unreachable(result.stderr.strip().splitlines()[-1])
            sys.stderr.write(result.stderr)
            return result.returncode or 1
        dependencies = json.loads(report.read_text())["dependencies"]
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        reason = dependencies[0]["skip_reason"] if dependencies else "no dependencies read"
        return unreachable(f"every package was skipped ({reason})")
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    skipped = len(dependencies) - len(audited)
    print(
        f"Audited {len(audited)} locked packages"
        + (f" ({skipped} skipped)" if skipped else "")
        + f": {len(vulnerable)} with known vulnerabilities."
    )
    return 1 if vulnerable else 0


def unreachable(detail: str) -> int:
    print(
        "AUDIT NOT DONE: the vulnerability database could not be reached, so nothing was "
        f"checked.\n  {detail}\nRun `make audit` where PyPI's JSON API (pypi.org/pypi/...) or "
        "api.osv.dev is reachable (add `AUDIT_ARGS=--vulnerability-service osv` for OSV).",
        file=sys.stderr,
    )
    return UNREACHABLE


if __name__ == "__main__":
    sys.exit(main())
