"""Dependency audit: known vulnerabilities in the installed runtime packages (SECURITY.md, Platform).

    .venv/bin/python scripts/audit.py        # in CI: after the tests (.ci/run)

Runs pip-audit on the project's virtual environment (`pip-audit -l -f json`, PyPI's
vulnerability data) and decides:

- a known vulnerability in any installed package → exit 1, naming package, version, advisory
  and the fixed versions;
- every package audited and none vulnerable → exit 0;
- the vulnerability data cannot be reached (PyPI's per-release JSON is not served here: a
  registry mirror without it, or no network) → exit 0 with a message that says the audit did
  not happen and how to run it where it can: a skipped audit is reported, never passed off
  as a clean one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

UNREACHABLE = (
    "Dependency audit NOT done: the vulnerability data could not be reached from this machine "
    "({skipped} of {total} packages could not be looked up). Run it where PyPI is reachable: "
    ".venv/bin/python -m pip_audit -l"
)


def verdict(report: Mapping[str, Any]) -> tuple[int, str]:
    """Exit code and message for a `pip-audit -f json` report.

    >>> verdict({"dependencies": [{"name": "a", "version": "1", "vulns": []}]})
    (0, 'Dependency audit: 1 packages audited, no known vulnerability.')
    >>> code, text = verdict({"dependencies": [{"name": "a", "version": "1", "vulns": [
    ...     {"id": "GHSA-x", "fix_versions": ["1.1"]}]}]})
    >>> code, text.splitlines()[1]
    (1, '  a 1: GHSA-x (fixed in 1.1)')
    >>> verdict({"dependencies": [{"name": "a", "skip_reason": "not found"}]})[0]
    0
    """
    packages = list(report.get("dependencies", []))
    skipped = [p for p in packages if "skip_reason" in p]
    audited = [p for p in packages if "skip_reason" not in p]
    found = [
        f"  {p['name']} {p['version']}: {v['id']} (fixed in {', '.join(v.get('fix_versions') or ['no release yet'])})"
        for p in audited
        for v in p.get("vulns", [])
    ]
    if found:
        return 1, "\n".join([f"Dependency audit: {len(found)} known vulnerabilities:", *found])
    if packages and len(skipped) == len(packages):
        return 0, UNREACHABLE.format(skipped=len(skipped), total=len(packages))
    note = f" ({len(skipped)} could not be looked up)" if skipped else ""
    return 0, f"Dependency audit: {len(audited)} packages audited, no known vulnerability{note}."


def main() -> int:
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pip_audit", "-l", "-f", "json", "--progress-spinner", "off"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"Dependency audit NOT done: pip-audit did not run ({error}).")
        return 0
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        print(f"Dependency audit NOT done: pip-audit gave no report ({tail[0][:200]}).")
        return 0
    code, message = verdict(report)
    print(message)
    return code


if __name__ == "__main__":
    sys.exit(main())
