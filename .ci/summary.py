"""Print CI's closing line from this run's JUnit reports: pytest's (make test) and the fuzz passes'.

`.ci/run` ends with other tools (the audit, the SAM build), whose output would otherwise be the last
thing CI prints; this line restates what the test runners counted, read from their own reports.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET  # nosec B405 # our own test runners' reports, written in this run
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _count(report: Path) -> tuple[int, int, int]:
    """Passed, failed (failures and errors) and skipped cases of one JUnit file."""
    passed = failed = skipped = 0
    for case in ET.parse(report).iter("testcase"):  # noqa: S314 # nosec B314 # see the import
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main() -> int:
    pytest_report = ROOT / ".artifacts" / "junit" / "pytest.xml"
    if not pytest_report.exists():
        print(f"no pytest report at {pytest_report.relative_to(ROOT)}: make test did not run")
        return 1
    fuzz = [_count(report) for report in sorted((ROOT / ".artifacts" / "fuzz").glob("*/*.xml"))]
    if fuzz:
        print("fuzz operations (schemathesis, every pass): "
              f"{sum(f[0] for f in fuzz)} clean, {sum(f[1] for f in fuzz)} with findings")
    passed, failed, skipped = _count(pytest_report)
    print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
