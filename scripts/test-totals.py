#!/usr/bin/env python3
"""Totals every test project's TRX file into one line: 'N passed, N failed, N skipped'.

A test project whose TRX file is missing (the test host crashed or the build failed) counts as one failure,
so a broken project can never look green. Exits 1 when anything failed.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main() -> int:
    results_dir, tests_dir = sys.argv[1], sys.argv[2]
    passed = failed = skipped = 0
    for proj in sorted(glob.glob(os.path.join(tests_dir, "*", "*.Tests.csproj"))):
        name = os.path.splitext(os.path.basename(proj))[0]
        trx = os.path.join(results_dir, name + ".trx")
        if not os.path.exists(trx):
            print(f"{name}: no test results (crashed or not built)", file=sys.stderr)
            failed += 1
            continue
        counters = ET.parse(trx).getroot().find("t:ResultSummary/t:Counters", NS)
        p = int(counters.get("passed", 0))
        f = int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
        # xunit's TRX leaves notExecuted at 0 for skipped tests and counts them only as total - executed.
        s = max(int(counters.get("notExecuted", 0)), int(counters.get("total", 0)) - int(counters.get("executed", 0)))
        print(f"{name}: {p} passed, {f} failed, {s} skipped", file=sys.stderr)
        passed, failed, skipped = passed + p, failed + f, skipped + s
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
