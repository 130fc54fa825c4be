"""Count the tests of a pytest JUnit report per addon; compare the core's count.

Usage: test_counts.py REPORT.xml CORE_ADDON [--expect N]

Odoo's runner counts one test per test method, skipped ones included; a JUnit
``testcase`` is the same unit, so the core's two counts must be equal.
"""

import argparse
import collections
import sys
import xml.etree.ElementTree as ET


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("core")
    parser.add_argument("--expect", type=int)
    args = parser.parse_args()

    per_addon = collections.Counter()
    skipped = collections.Counter()
    for case in ET.parse(args.report).iter("testcase"):
        addon = case.get("classname", "").split(".")[0]
        per_addon[addon] += 1
        if case.find("skipped") is not None:
            skipped[addon] += 1
    for addon, count in sorted(per_addon.items()):
        print(f"{addon}, pytest-odoo: {count} tests ({skipped[addon]} skipped)")
    if args.expect is not None:
        found = per_addon[args.core]
        if found != args.expect:
            print(
                f"ERROR: {args.core}: Odoo's runner ran {args.expect} tests, pytest-odoo {found}",
                file=sys.stderr,
            )
            return 1
        print(f"{args.core}: both runners ran {found} tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
