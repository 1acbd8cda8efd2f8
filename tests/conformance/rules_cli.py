#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The command-line contracts of the rules side (DESIGN.md): `passgate check` without a
credential, `passgate programs` and `passgate rules eval`.

- every credential-less case of scenarios/programs.json through `passgate check`: the JSON
  shape, the decision and reason, exit status 0 admit / 1 deny;
- usage, configuration and I/O errors exit 2; --at in UTC is judged by the Japanese date;
- `passgate programs` lists the six programs with their windows; `--check` refuses a bad file
  with the file and the reason (exit 1);
- a program dropped into a directory (--programs-dir, $PASSGATE_PROGRAMS_DIR) is used at once;
- `passgate rules eval` prints results and fails an invalid expression with exit 1.
"""
import json
import os
import subprocess
import sys
import tempfile

CLI = os.environ["PASSGATE_CLI"]
failures = []


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("PASSGATE_PROGRAMS_DIR", None)
    e["PASSGATE_PROGRAMS_DIR"] = os.path.join(os.environ["PASSGATE_SOURCE_DIR"], "rules/programs")
    if env:
        e.update(env)
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=e)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def scenario_cases():
    with open(os.path.join(os.environ["PASSGATE_SHARED_DIR"], "scenarios/programs.json"),
              encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    n = 0
    for c in cases:
        if c["credential"] is not None:
            continue
        args = ["check", "--program", c["program"], "--at", c["at"]]
        for k, v in c["context"].items():
            args += ["--set", f"{k}={v}"]
        p = run(*args)
        out = json.loads(p.stdout)
        check(list(out.keys()) == ["decision", "reasons", "program", "format", "kind", "referral"],
              f"{c['id']}: output members {list(out.keys())}")
        check(out["decision"] == c["expect"]["decision"], f"{c['id']}: decision {out}")
        check(c["expect"]["reason"] in out["reasons"], f"{c['id']}: reasons {out}")
        check(out["format"] is None and out["kind"] is None, f"{c['id']}: format/kind {out}")
        check(p.returncode == (0 if out["decision"] == "admit" else 1), f"{c['id']}: exit {p.returncode}")
        n += 1
    check(n == 13, f"credential-less scenarios: {n}")


def usage_errors():
    for args in (["check"], ["check", "--program", "no-such-program"],
                 ["check", "--program", "national-package", "--set", "mood=good"],
                 ["check", "--program", "national-package", "--set", "night=zero"],
                 ["check", "--program", "national-package", "--at", "yesterday"],
                 ["check", "--program", "national-package", "--tz", "Mars/Olympus"],
                 ["check", "--program", "national-package", "--payload-file", "/nonexistent"],
                 ["check", "--program", "national-package", "--payload", "a", "--payload-file", "b"],
                 ["rules", "eval", "--logic", "/nonexistent", "--data", "/nonexistent"],
                 ["programs", "--programs-dir", "/nonexistent"]):
        p = run(*args)
        check(p.returncode == 2, f"{args}: exit {p.returncode}, want 2")


def time_zones():
    # 2022-03-31T15:00Z is 04-01 in Japan: after Sapporo's last day; a second earlier is within.
    base = ["check", "--program", "sapporo-pass-code", "--set", "age=8"]
    p = run(*base, "--at", "2022-03-31T15:00:00Z")
    check(json.loads(p.stdout)["reasons"] == ["program-inactive"], "sapporo after the window")
    p = run(*base, "--at", "2022-03-31T14:59:59Z")
    check(json.loads(p.stdout)["reasons"] == ["child-test-required"], "sapporo on its last day")
    # the same instant in a venue on UTC is still inside the window
    p = run(*base, "--at", "2022-03-31T15:00:00Z", "--tz", "UTC")
    check(json.loads(p.stdout)["reasons"] == ["child-test-required"], "sapporo --tz UTC")
    # --at without an offset is local to --tz
    p = run(*base, "--at", "2022-04-01T00:00:00")
    check(json.loads(p.stdout)["reasons"] == ["program-inactive"], "local --at")


def programs(tmp):
    p = run("programs")
    check(p.returncode == 0, "programs: exit")
    for pid in ("national-package", "sapporo-pass-code", "fukuoka-travel", "aichi-restaurant",
                "nagano-shinshu-wari", "hokkaido-doumin-wari"):
        check(pid in p.stdout, f"programs lists {pid}")
    check("2021-12-06..2022-03-31" in p.stdout, "programs shows Sapporo's window")
    p = run("programs", "--json")
    listed = {x["id"]: x for x in json.loads(p.stdout)}
    check(listed["hokkaido-doumin-wari"]["windows"] == [{"from": "2022-03-22", "until": "2022-09-01"}],
          "programs --json windows")
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w", encoding="utf-8") as f:
        f.write('{"passgate_program": 1, "id": "bad", "name": {"ja": "x", "en": "x"}, "seed": "s",'
                ' "versions": [{"rules": [{"id": "r", "reason": "vaccinated",'
                ' "when": {"map": [1]}}, {"id": "e", "reason": "vaccinated", "when": true}]}]}')
    p = run("programs", "--check", bad)
    check(p.returncode == 1 and bad in p.stderr and "unrecognised operator" in p.stderr,
          f"programs --check bad: {p.returncode} {p.stderr}")
    good = os.path.join(os.environ["PASSGATE_SOURCE_DIR"], "rules/programs/fukuoka-travel.json")
    check(run("programs", "--check", good).returncode == 0, "programs --check good")


def new_program(tmp):
    d = os.path.join(tmp, "programs")
    os.mkdir(d)
    with open(os.path.join(d, "kids-free.json"), "w", encoding="utf-8") as f:
        json.dump({"passgate_program": 1, "id": "kids-free",
                   "name": {"ja": "子ども無料", "en": "Kids free"}, "seed": "none",
                   "versions": [{"rules": [
                       {"id": "kids", "reason": "child-exempt", "when": {"var": "facts.child"}},
                       {"id": "rest", "reason": "vaccination-incomplete", "when": True}]}]}, f)
    p = run("check", "--program", "kids-free", "--set", "age=3", "--programs-dir", d)
    check(p.returncode == 0 and json.loads(p.stdout)["reasons"] == ["child-exempt"],
          f"new program via --programs-dir: {p.stdout} {p.stderr}")
    p = run("check", "--program", "kids-free", env={"PASSGATE_PROGRAMS_DIR": d})
    check(p.returncode == 1 and json.loads(p.stdout)["reasons"] == ["vaccination-incomplete"],
          f"new program via PASSGATE_PROGRAMS_DIR: {p.stdout} {p.stderr}")
    with open(os.path.join(d, "broken.json"), "w", encoding="utf-8") as f:
        f.write("{")
    p = run("check", "--program", "kids-free", "--programs-dir", d)
    check(p.returncode == 2 and "broken.json" in p.stderr, f"broken file stops the load: {p.stderr}")


def rules_eval(tmp):
    logic, data = os.path.join(tmp, "l.json"), os.path.join(tmp, "d.json")
    with open(logic, "w") as f:
        json.dump({"plusTime": [{"var": "d"}, 1, "year"]}, f)
    with open(data, "w") as f:
        json.dump({"d": "2020-02-29"}, f)
    p = run("rules", "eval", "--logic", logic, "--data", data)
    check(p.returncode == 0 and json.loads(p.stdout) == "2021-03-01T00:00:00.000Z",
          f"rules eval plusTime: {p.stdout}")
    with open(logic, "w") as f:
        json.dump({"+": [1, "x"]}, f)
    p = run("rules", "eval", "--logic", logic, "--data", data)
    check(p.returncode == 1 and "integers" in p.stderr, f"rules eval error: {p.returncode} {p.stderr}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        scenario_cases()
        usage_errors()
        time_zones()
        programs(tmp)
        new_program(tmp)
        rules_eval(tmp)
    print("rules CLI:", "FAILED" if failures else "all passed", len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
