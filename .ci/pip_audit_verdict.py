"""The verdict on one pip-audit run, for .ci/audit: python pip_audit_verdict.py REPORT.json EXIT LOG.

Exit 1 on any known vulnerability. When pip-audit could check nothing (its advisory database,
PyPI's JSON API or OSV, unreachable: it then marks every package "not found on PyPI" and still
prints "No known vulnerabilities found", or it fails to connect), a banner says so on stdout and
stderr, so that nobody reads the run as clean; with AUDIT_STRICT=1 (a machine with internet,
before a release) that is a failure too.
"""

import json
import os
import sys

NETWORK_WORDS = ("ConnectionError", "NameResolution", "Max retries", "timed out", "ConnectTimeout",
                 "Temporary failure in name resolution", "Network is unreachable")
LOCKS = "requirements/lock.txt and requirements/lock-test.txt"


def banner(reason: str) -> str:
    lines = [
        "pip-audit CHECKED NOTHING: its advisory database is unreachable from here",
        f"({reason}).",
        "NO DEPENDENCY HAS BEEN CHECKED FOR KNOWN VULNERABILITIES BY THIS RUN.",
        "On a machine with internet access run (README, \"Dependencies\"):",
        "  pip install pip-audit && pip-audit -r requirements/lock.txt --require-hashes --disable-pip",
        "or `AUDIT_STRICT=1 make audit`, which fails instead of warning.",
    ]
    width = max(map(len, lines)) + 4
    return "\n".join(["!" * width, *[f"! {line.ljust(width - 4)} !" for line in lines], "!" * width])


def not_audited(reason: str) -> int:
    text = banner(reason)
    print(text)
    print(text, file=sys.stderr)
    if os.environ.get("AUDIT_STRICT") == "1":
        print("audit: AUDIT_STRICT=1: failing because nothing could be audited", file=sys.stderr)
        return 1
    return 0


def verdict(path: str, status: int, log: str) -> int:
    try:
        with open(path) as handle:
            report = json.load(handle)
    except (OSError, ValueError):
        report = None
    if report is None:
        if any(word in log for word in NETWORK_WORDS):
            return not_audited("pip-audit could not connect")
        print(log[-2000:])
        print(f"audit: pip-audit failed (exit {status})", file=sys.stderr)
        return 1
    deps = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    audited = [d for d in deps if "skip_reason" not in d]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            print(f"  {dep['name']} {dep.get('version')}: {vuln['id']} fixed in "
                  f"{', '.join(vuln.get('fix_versions') or ['?'])}")
    if vulnerable:
        print(f"audit: pip-audit found known vulnerabilities in {len(vulnerable)} packages", file=sys.stderr)
        return 1
    if not audited:
        return not_audited(f"all {len(deps)} locked packages were skipped as 'not found on PyPI'")
    skipped = len(deps) - len(audited)
    print(f"audit: pip-audit no known vulnerabilities in {len(audited)} packages of {LOCKS}"
          + (f" ({skipped} could not be audited)" if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(verdict(sys.argv[1], int(sys.argv[2]), open(sys.argv[3]).read()))
