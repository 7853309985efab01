#!/usr/bin/env python3
"""Sum the results of jest, pytest and Playwright into one closing line.

Reads the runners' machine-readable reports (jest --json, pytest --junitxml,
Playwright's json reporter) and their exit codes, prints one line per runner and
then, last, the plain line ``N passed, N failed`` (``, N skipped`` when any).
Exits 1 when anything failed, else 0.

A runner that exits non-zero without reporting a failing test (it crashed, timed
out, its web server never started, a suite failed to compile...) counts as one
failure, so it can never pass unnoticed. pytest's exit code 5 ("no tests
collected") counts as 0 passed, 0 failed.

Usage: summarize.py --jest REPORT RC --pytest REPORT RC --playwright REPORT RC
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


class Counts:
    def __init__(self, passed: int = 0, failed: int = 0, skipped: int = 0, note: str = "") -> None:
        self.passed, self.failed, self.skipped, self.note = passed, failed, skipped, note


def read_jest(path: Path) -> Counts:
    data = json.loads(path.read_text())
    # Suites that could not run (syntax/type error, failing import) have no tests.
    broken = int(data.get("numRuntimeErrorTestSuites", 0))
    return Counts(
        passed=int(data.get("numPassedTests", 0)),
        failed=int(data.get("numFailedTests", 0)) + broken,
        skipped=int(data.get("numPendingTests", 0)) + int(data.get("numTodoTests", 0)),
        note=f"{broken} suite(s) failed to run" if broken else "",
    )


def read_pytest(path: Path) -> Counts:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    tests = failures = errors = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return Counts(
        passed=tests - failures - errors - skipped,
        failed=failures + errors,
        skipped=skipped,
        note=f"{errors} error(s)" if errors else "",
    )


def read_playwright(path: Path) -> Counts:
    data = json.loads(path.read_text())
    stats = data.get("stats", {})
    flaky = int(stats.get("flaky", 0))
    global_errors = len(data.get("errors", []))
    notes = []
    if flaky:
        notes.append(f"{flaky} flaky (passed on retry)")
    if global_errors:
        notes.append(f"{global_errors} global error(s)")
    return Counts(
        passed=int(stats.get("expected", 0)) + flaky,
        failed=int(stats.get("unexpected", 0)) + global_errors,
        skipped=int(stats.get("skipped", 0)),
        note=", ".join(notes),
    )


READERS = {"jest": read_jest, "pytest": read_pytest, "playwright": read_playwright}


def collect(name: str, report: str, rc_text: str) -> Counts:
    rc = int(rc_text)
    path = Path(report)
    if name == "pytest" and rc == 5:
        return Counts(note="no tests collected")
    try:
        counts = READERS[name](path)
    except FileNotFoundError:
        counts = Counts(note=f"no report at {path}")
    except (ValueError, ET.ParseError) as error:
        counts = Counts(note=f"unreadable report {path}: {error}")
    if rc != 0 and counts.failed == 0:
        counts.failed = 1
        counts.note = "; ".join(filter(None, [counts.note, f"exited {rc} without a failing test: counted as 1 failure"]))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in READERS:
        parser.add_argument(f"--{name}", nargs=2, metavar=("REPORT", "RC"), required=True)
    args = parser.parse_args()

    total = Counts()
    print()
    print("=== summary ===")
    for name in READERS:
        report, rc = getattr(args, name)
        c = collect(name, report, rc)
        total.passed += c.passed
        total.failed += c.failed
        total.skipped += c.skipped
        extra = f", {c.skipped} skipped" if c.skipped else ""
        note = f"  ({c.note})" if c.note else ""
        print(f"{name + ':':<12}{c.passed} passed, {c.failed} failed{extra}{note}")
    extra = f", {total.skipped} skipped" if total.skipped else ""
    sys.stdout.flush()
    print(f"{total.passed} passed, {total.failed} failed{extra}")
    return 1 if total.failed else 0


if __name__ == "__main__":
    sys.exit(main())
