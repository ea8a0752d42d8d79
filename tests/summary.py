#!/usr/bin/env python3
"""Add up the JUnit XML files that the test stages wrote (cmocka, libFuzzer
runs, pytest) and print one closing line: 'N passed, N failed, N skipped'.
Exits non-zero when anything failed or when no test ran at all."""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def count(path):
    passed = failed = skipped = 0
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main():
    folder = sys.argv[1]
    totals = [0, 0, 0]
    for path in sorted(glob.glob(os.path.join(folder, "junit-*.xml"))):
        try:
            p, f, s = count(path)
        except ET.ParseError as e:
            print(f"summary: {path}: unreadable test report ({e}); counted as a failure")
            p, f, s = 0, 1, 0
        print(f"  {os.path.basename(path)}: {p} passed, {f} failed, {s} skipped")
        totals = [totals[0] + p, totals[1] + f, totals[2] + s]
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 1 if totals[1] or totals[0] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
