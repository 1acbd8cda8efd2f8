#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""codes_cli.py - `passgate booking` and `passgate check --booking-code/--receipt-code` judge as
the gate would (issue 13; docs/codes.md), on the shipped Hokkaido program at its own dates.

Booking: keygen prints the public key and keeps the seed (mode 0600, never overwritten); issue
writes a code and a PNG that `passgate decode` reads back; a Hokkaido resident is admitted with
the booking and denied `residence-not-eligible` without; a code signed by another key is
`booking-invalid`, another venue's `booking-other-venue`, one before its first day
`booking-not-yet-valid`, after its last `booking-expired`; a truncated or oversized code is
`booking-invalid`. Receipt codes (signed here with Python `cryptography` from a known seed, an
independent implementation of the format): a rapid test from the day before the trip is
`test-expired` on night 2 alone and admitted with the night-1 receipt of its holder; the
receipt of another holder, one not from the previous night, one from an unknown kiosk and one
with a changed byte change nothing (the reason on stderr). `passgate events pubkey` prints the
day-key and receipt keys, the second matching the receipt key file.
"""
import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

CLI = os.environ["PASSGATE_CLI"]
ISSUER = "https://issuer.passgate.test"
FAMILY, GIVEN, BIRTH = "Zzyzxname", "Qwertyname", "1987-06-05"
failures = 0


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what, file=sys.stdout if cond else sys.stderr)
    failures += 0 if cond else 1


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def receipt(seed, date, trip_start, night, given=GIVEN, venue="hotel-a", kiosk="front-a",
            program="hokkaido-doumin-wari"):
    salt = os.urandom(16)
    canon = b"".join(len(f.encode()).to_bytes(2, "big") + f.encode()
                     for f in (FAMILY.upper(), given.upper(), BIRTH))
    body = json.dumps({"v": 1, "venue": venue, "kiosk": kiosk, "date": date, "slot": 2764836,
                       "decision": "admit", "kind": "test", "program": program,
                       "trip_start": trip_start, "night": night, "vc": b64u(bytes(16)),
                       "hb": {"s": b64u(salt),
                              "h": b64u(hashlib.sha256(salt + canon).digest()[:8])}},
                      separators=(",", ":")).encode()
    sig = Ed25519PrivateKey.from_private_bytes(seed).sign(b"passgate/v1/receipt\0" + body)
    return "PGR1:" + b64u(body) + "." + b64u(sig)


def main(tmp):
    keys = os.path.join(tmp, "keys")
    run("issue-test", "keygen", "--dir", keys)
    trust = ["--no-default-trust", "--trust-jwks", f"{ISSUER}={keys}/shc-issuer.jwks.json"]

    def card(given, test):
        p = run("issue-test", "shc", "--dir", keys, "--family", FAMILY, "--given", given,
                "--birth-date", BIRTH, "--test", test, "--nbf", "2022-07-01")
        return p.stdout.strip()

    def check_at(at, payload, *extra):
        p = run("check", "--program", "hokkaido-doumin-wari", "--at", at, *trust, "--payload",
                payload, *extra)
        try:
            d = json.loads(p.stdout)
            return d["decision"], d["reasons"], p.stderr
        except (json.JSONDecodeError, KeyError):
            return None, None, p.stderr

    # Booking keys and codes.
    key = os.path.join(tmp, "desk.key")
    p = run("booking", "keygen", "--out", key)
    pub = p.stdout.strip()
    check(p.returncode == 0 and len(pub) == 44, "booking keygen prints a base64 public key")
    check(stat.S_IMODE(os.stat(key).st_mode) == 0o600, "the key file is mode 0600")
    check(run("booking", "keygen", "--out", key).returncode == 2, "keygen never overwrites")
    check(run("booking", "pubkey", "--key", key).stdout.strip() == pub, "booking pubkey")
    png = os.path.join(tmp, "booking.png")
    p = run("booking", "issue", "--key", key, "--venue", "hotel-b", "--trip-start",
            "2022-07-22", "--nights", "2", "--residence", "JP-01", "--party", "2", "--png", png)
    booking = p.stdout.strip()
    check(p.returncode == 0 and booking.startswith("PGB1:"), "booking issue prints a PGB1 code")
    check(run("decode", "--image", png).stdout.strip() == booking,
          "the booking PNG decodes to the same code")
    check(run("booking", "issue", "--key", key, "--venue", "v", "--trip-start",
              "2022-07-21", "--party", "1", "--child", "5", "--child", "6").returncode == 2,
          "a party of 1 with two children is refused")

    # Hotel B's stay begins on 07-22, the second day of a trip that began at hotel A.
    resident = card(GIVEN, "pcr,2022-07-21T09:00:00+09:00,negative")
    guest = card(GIVEN, "antigen-rapid,2022-07-20T09:00:00+09:00,negative")
    night1_at = night2_at = "2022-07-22T15:00:00+09:00"
    with_booking = ["--booking-code", booking, "--booking-key", pub, "--venue", "hotel-b"]
    got = check_at(night1_at, resident)
    check(got[:2] == ("deny", ["residence-not-eligible"]), f"no booking: {got[:2]}")
    got = check_at(night1_at, resident, *with_booking)
    check(got[:2] == ("admit", ["tested-negative"]), f"with the booking: {got[:2]}")

    other_key = os.path.join(tmp, "other.key")
    run("booking", "keygen", "--out", other_key)
    forged = run("booking", "issue", "--key", other_key, "--venue", "hotel-b", "--trip-start",
                 "2022-07-22").stdout.strip()
    for what, code, at, venue, want in (
            ("signed by another key", forged, night1_at, "hotel-b", "booking-invalid"),
            ("another venue", booking, night1_at, "hotel-c", "booking-other-venue"),
            ("before its first day", booking, "2022-07-21T15:00:00+09:00", "hotel-b",
             "booking-not-yet-valid"),
            ("after its last night", booking, "2022-07-24T15:00:00+09:00", "hotel-b",
             "booking-expired"),
            ("truncated", booking[:60], night1_at, "hotel-b", "booking-invalid"),
            ("oversized", booking + "A" * 2000, night1_at, "hotel-b", "booking-invalid")):
        got = check_at(at, resident, "--booking-code", code, "--booking-key", pub, "--venue",
                       venue)
        check(got[:2] == ("deny", [want]), f"booking code {what}: {want}; got {got[:2]}")

    # Receipt codes: night 2 at hotel B, the trip began on 07-21 at hotel A.
    seed = bytes(range(32))
    a_pub = base64.b64encode(Ed25519PrivateKey.from_private_bytes(seed).public_key()
                             .public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)).decode()
    known = ["--receipt-key", f"hotel-a/front-a={a_pub}"]
    good = receipt(seed, "2022-07-21", "2022-07-21", 1)
    got = check_at(night2_at, guest, *with_booking)
    check(got[:2] == ("deny", ["test-expired"]), f"night 2 without a receipt: {got[:2]}")
    got = check_at(night2_at, guest, *with_booking, "--receipt-code", good, *known)
    check(got[:2] == ("admit", ["tested-negative"]), f"night 2 with night 1's receipt: "
          f"{got[:2]}")
    stranger = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())
    for what, code, why in (
            ("of another holder", receipt(seed, "2022-07-21", "2022-07-21", 1,
                                          given="Otherperson"), "of another holder"),
            ("two nights old", receipt(seed, "2022-07-20", "2022-07-20", 1),
             "not from the previous night"),
            ("of an unknown kiosk", receipt(stranger, "2022-07-21", "2022-07-21", 1,
                                            kiosk="front-x"), "kiosk not known"),
            ("with a byte changed", good[:-10] + ("A" if good[-10] != "A" else "B") +
             good[-9:], "signature not valid"),
            ("of another program", receipt(seed, "2022-07-21", "2022-07-21", 1,
                                           program="fukuoka-travel"), "another program")):
        got = check_at(night2_at, guest, *with_booking, "--receipt-code", code, *known)
        check(got[:2] == ("deny", ["test-expired"]) and why in got[2],
              f"a receipt {what} changes nothing ({why}); got {got[:2]} {got[2].strip()}")

    # The kiosk's keys.
    state = os.path.join(tmp, "state")
    os.makedirs(state)
    lines = run("events", "pubkey", "--state-dir", state).stdout.split()
    with open(os.path.join(state, "kiosk-receipt-ed25519.key"), "rb") as f:
        mine = Ed25519PrivateKey.from_private_bytes(f.read()).public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    check(len(lines) == 2 and base64.b64decode(lines[1]) == mine,
          "events pubkey: the day-key key, then the receipt key of the key file")


if __name__ == "__main__":
    d = tempfile.mkdtemp(prefix="passgate-codes-cli-")
    try:
        main(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print(f"{failures} failure(s)")
    sys.exit(1 if failures else 0)
