#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The official CertLogic evaluator test suite through `passgate rules eval` (DESIGN.md).

Runs every assertion of $PASSGATE_CONFORMANCE_DIR/dcc/certlogic/.../testSuite/*.json, unchanged,
through the command-line tool: writes the expression and the data to files, runs
`$PASSGATE_CLI rules eval --logic FILE --data FILE`, and compares the printed JSON with
"expected". Assertions the suite marks "directive": "skip" (file, case or assertion) are skipped.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile


def skipped(o):
    return isinstance(o, dict) and o.get("directive") == "skip"


def main():
    cli = os.environ["PASSGATE_CLI"]
    suite = os.path.join(os.environ["PASSGATE_CONFORMANCE_DIR"],
                         "dcc/certlogic/certlogic/specification/testSuite")
    files = sorted(glob.glob(os.path.join(suite, "*.json")))
    if not files:
        print("no test suite in", suite)
        return 1
    passed = failed = skip = 0
    with tempfile.TemporaryDirectory() as tmp:
        logic_path = os.path.join(tmp, "logic.json")
        data_path = os.path.join(tmp, "data.json")
        for path in files:
            with open(path, encoding="utf-8") as f:
                suite_file = json.load(f)
            for case in suite_file["cases"]:
                for i, a in enumerate(case["assertions"]):
                    if skipped(suite_file) or skipped(case) or skipped(a):
                        skip += 1
                        continue
                    expr = a.get("certLogicExpression", case.get("certLogicExpression"))
                    with open(logic_path, "w", encoding="utf-8") as f:
                        json.dump(expr, f)
                    with open(data_path, "w", encoding="utf-8") as f:
                        json.dump(a["data"], f)
                    p = subprocess.run([cli, "rules", "eval", "--logic", logic_path,
                                        "--data", data_path], capture_output=True, text=True)
                    ok = p.returncode == 0
                    if ok:
                        got = json.loads(p.stdout)
                        ok = got == a["expected"] and type(got) is type(a["expected"])
                    if ok:
                        passed += 1
                    else:
                        failed += 1
                        print(f"FAIL {os.path.basename(path)} {case['name']!r} #{i}: "
                              f"expected {json.dumps(a['expected'])}, got rc={p.returncode} "
                              f"{p.stdout.strip()} {p.stderr.strip()}")
    print(f"CertLogic testSuite via passgate rules eval: {passed} passed, {failed} failed, "
          f"{skip} skipped by the suite")
    return 1 if failed or passed + skip != 232 else 0


if __name__ == "__main__":
    sys.exit(main())
