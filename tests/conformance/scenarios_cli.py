#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every case of $PASSGATE_SHARED_DIR/scenarios/programs.json end to end, through the real tool.

For each case it mints a signed credential with the local test issuer and runs `passgate check`
on the QR text, trusting only that issuer:

  $PASSGATE_CLI issue-test keygen --dir D                                 (once)
  $PASSGATE_CLI issue-test shc|dcc --dir D --birth-date DATE [--vaccination DATE]...
                [--test KIND,COLLECTED,RESULT]                          (prints the QR text)
  $PASSGATE_CLI check --program P --at AT [--set K=V]...
                --trust-jwks https://issuer.passgate.test=D/shc-issuer.jwks.json
                --trust-cert D/dcc-signer.cert.pem --no-default-trust --payload TEXT

A case with `credential: null` is checked without a payload. The decision, the reason (among
the reasons), `referral_contains` (in the referral) and the exit status (0 admit, 1 deny) must
match the case. Cards are issued (nbf/iat) after their latest dose or sample, as a real issuer does.
"""
import json
from datetime import datetime
import os
import subprocess
import sys
import tempfile

ISSUER = "https://issuer.passgate.test"
# Extra arguments for every `issue-test shc|dcc` call, should the minting tool need any
# (for instance an issue time before the scenario dates); space-separated.
EXTRA_MINT_ARGS = os.environ.get("PASSGATE_SCENARIO_MINT_ARGS", "").split()


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def issued_at(cred, at):
    """When a real issuer would have signed the card: after its latest dose or sample, and
    never after the check itself (a card from the future is a different failure)."""
    times = [f"{v}T00:00:00+09:00" for v in cred.get("vaccinations", [])]
    if cred.get("test"):
        times.append(cred["test"]["collected"])
    stamps = [datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times]
    check = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return min(max(stamps), check).isoformat() if stamps else check.isoformat()


def mint(cli, d, subject, cred, at):
    fmt = cred.get("format", "shc")
    args = [cli, "issue-test", fmt, "--dir", d,
            "--birth-date", cred.get("birthDate", subject["birthDate"]),
            "--nbf" if fmt == "shc" else "--iat", issued_at(cred, at)]
    for date in cred.get("vaccinations", []):
        args += ["--vaccination", date]
    t = cred.get("test")
    if t:
        args += ["--test", f"{t['method']},{t['collected']},{t['result']}"]
    p = run(args + EXTRA_MINT_ARGS)
    if p.returncode != 0:
        raise RuntimeError(f"issue-test failed ({p.returncode}): {p.stderr.strip()}")
    return p.stdout.strip()


def main():
    cli = os.environ["PASSGATE_CLI"]
    with open(os.path.join(os.environ["PASSGATE_SHARED_DIR"], "scenarios/programs.json"),
              encoding="utf-8") as f:
        scenarios = json.load(f)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as d:
        p = run([cli, "issue-test", "keygen", "--dir", d])
        if p.returncode != 0:
            print("issue-test keygen failed:", p.stderr.strip())
            return 1
        for case in scenarios["cases"]:
            args = [cli, "check", "--program", case["program"], "--at", case["at"]]
            for k, v in case["context"].items():
                args += ["--set", f"{k}={v}"]
            args += ["--trust-jwks", f"{ISSUER}={d}/shc-issuer.jwks.json",
                     "--trust-cert", f"{d}/dcc-signer.cert.pem", "--no-default-trust"]
            try:
                if case["credential"] is not None:
                    args += ["--payload", mint(cli, d, scenarios["subject"], case["credential"], case["at"])]
            except RuntimeError as e:
                print(f"FAIL {case['id']}: {e}")
                failed += 1
                continue
            p = run(args)
            exp = case["expect"]
            problems = []
            try:
                out = json.loads(p.stdout)
            except json.JSONDecodeError:
                out = {}
                problems.append(f"output is not JSON: {p.stdout.strip()!r} {p.stderr.strip()!r}")
            if out.get("decision") != exp["decision"]:
                problems.append(f"decision {out.get('decision')!r}")
            if exp["reason"] not in out.get("reasons", []):
                problems.append(f"reasons {out.get('reasons')!r}")
            if p.returncode != (0 if exp["decision"] == "admit" else 1):
                problems.append(f"exit status {p.returncode}")
            if out.get("program") != case["program"]:
                problems.append(f"program {out.get('program')!r}")
            if "referral_contains" in exp and exp["referral_contains"] not in (out.get("referral") or ""):
                problems.append("referral lacks " + exp["referral_contains"])
            if problems:
                failed += 1
                print(f"FAIL {case['id']}: " + "; ".join(problems) + f" ({p.stderr.strip()})")
            else:
                passed += 1
    print(f"scenarios via passgate check: {passed} passed, {failed} failed")
    return 1 if failed or passed != len(scenarios["cases"]) else 0


if __name__ == "__main__":
    sys.exit(main())
