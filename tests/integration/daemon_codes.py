#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""daemon_codes.py - issue 13 acceptance 1: booking codes, receipt codes, consecutive stays,
parties and children, with the real passgated end to end.

    daemon_codes.py PASSGATED MOSQUITTO stays|party|nagano CITY_SIGN

Every mode runs passgated as daemon_e2e.py does (a dir: camera showing the codes and the
certificates as images, simulated GPIO, a printer file, a real mosquitto on a free loopback port,
the city's view through mosquitto_sub) and reuses its harness. Booking codes are made with
`passgate booking issue --png`; receipt codes are read off the printer file, or signed here with
the kiosk's own receipt key file by an independent implementation of docs/codes.md (Python
`cryptography`), and shown as receipt previews (`passgate receipt --preview --qr`). The programs
are the shipped files with their dates moved to include today (the daemon runs on the real clock).

stays    two Hokkaido hotels (どうみん割, seed 004). Hotel A: a Hokkaido resident's test is
         admitted with a booking code (residence JP-01) and the same guest is denied
         `residence-not-eligible` without one; A's admit receipt carries a receipt code that
         verifies with A's receipt key (`passgate events pubkey`), holds trip_start = today and
         night 1, and no name or birth date. Hotel B (another venue; A's receipt key reaches it in
         the city's signed trust update): a rapid antigen test from the day before the trip is
         `test-expired` tonight without a receipt, admitted on night 2 with the night-1 receipt
         code (and B's receipt then says the trip began yesterday, night 2); the same with a
         receipt of another holder, with one byte of the receipt changed, or signed by a kiosk the
         city did not register: `test-expired` (no effect); night 6 with a night-5 receipt:
         `test-expired`. Booking codes forged, for another venue, or expired: denied with their
         reasons, no event.
party    an Aichi restaurant under priority measures (seed 002): a booking code for a party of
         5, four members with two doses and one with one dose: the members before the failure
         are admitted, the failing one denied, every member after it `group-member-failed` with
         no green light and no relay pulse; a forged booking code shown in the middle changes
         nothing of the party's session; when the next party's booking code closes the session,
         the two early admissions are revised `group-member-failed` (events). A lone diner with
         one dose (booking for 1): `check-not-required`. Children: the booking's ages (4 and 8)
         are what the child button declares: the 4-year-old `child-exempt`, the 8-year-old
         `child-test-required`.
nagano   信州割SPECIAL (seed 003): a booking made on 2022-04-11 needs 3 doses (2 doses:
         `vaccination-incomplete`), one made on 2022-04-10 admits 2 doses.

Privacy (acceptance 3): in every mode the holders' names and birth dates appear in no code, no
receipt, no event, no log and no file of the state directory.
"""
import base64
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from zoneinfo import ZoneInfo

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_e2e as base  # noqa: E402  (reads PASSGATED, MOSQUITTO, MODE from argv)

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

PASSGATED, MOSQUITTO, MODE, CITY_SIGN = sys.argv[1:5]
CLI, SOURCE = base.CLI, base.SOURCE
CITY, CITY_SEED = base.CITY, "42" * 32
check = base.check
OTHER_GIVEN = "Asdfghname"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def b64u_dec(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def today(offset=0):
    """A local date in the venue's zone (passgated's default, Asia/Tokyo), as the kiosk counts."""
    d = datetime.datetime.now(ZoneInfo("Asia/Tokyo")).date() + datetime.timedelta(days=offset)
    return d.isoformat()


def programs_dir(tmp):
    """The shipped programs, with Hokkaido's and Aichi's dates moved around today."""
    out = os.path.join(tmp, "programs")
    shutil.copytree(os.path.join(SOURCE, "rules", "programs"), out)
    for pid in ("hokkaido-doumin-wari", "aichi-restaurant"):
        path = os.path.join(out, pid + ".json")
        with open(path) as f:
            p = json.load(f)
        p["active"] = [{"from": today(-60), "until": today(60)}]
        p["versions"] = [dict(v, **{"from": today(-60), "until": today(60)})
                         for v in p["versions"] if "rules" in v][:1]
        with open(path, "w") as f:
            json.dump(p, f, ensure_ascii=False)
    return out


class CodeKiosk(base.Kiosk):
    """daemon_e2e's kiosk with a venue of its own, booking keys, a [context] and a city key."""

    def __init__(self, tmp, broker, venue, kiosk, programs, extra=""):
        os.makedirs(tmp, exist_ok=True)
        super().__init__(tmp, broker, interval=150, holdoff=1)
        self.venue, self.kiosk, self.programs, self.extra = venue, kiosk, programs, extra
        self.booking_key = os.path.join(tmp, "booking.key")
        p = subprocess.run([CLI, "booking", "keygen", "--out", self.booking_key], check=True,
                           capture_output=True, text=True)
        self.booking_pub = p.stdout.strip()
        self.frame = 0
        self.city_key = None

    def write_conf(self):
        super().write_conf()
        with open(self.conf_path) as f:
            text = f.read()
        text = text.replace(f"id = {base.VENUE}", f"id = {self.venue}")
        text = text.replace(f"kiosk = {base.KIOSK}", f"kiosk = {self.kiosk}")
        text = re.sub(r"programs_dir = .*", f"programs_dir = {self.programs}", text)
        if self.city_key:
            text += f"city_key = {self.city_key}\n"
        text += f"[booking]\nkey = {self.booking_pub}\n{self.extra}"
        with open(self.conf_path, "w") as f:
            f.write(text)

    def name(self, what):
        self.frame += 1
        return f"{self.frame:03d}-{what}"

    def card(self, what, *args, given=base.GIVEN, fmt="shc"):
        """A certificate; each minted with its own nbf so that no two texts are equal."""
        return self.mint(self.name(what), fmt, *args, "--nbf",
                         time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                       time.gmtime(time.time() - 86400 * 30 - self.frame)),
                         given=given)

    def booking(self, what, *args, key=None, venue=None):
        png = os.path.join(self.camera, self.name(what) + ".png")
        p = subprocess.run([CLI, "booking", "issue", "--key", key or self.booking_key,
                            "--venue", venue or self.venue, *args, "--png", png],
                           check=True, capture_output=True, text=True)
        return p.stdout.strip()

    def show_code(self, what, text):
        """A code as the guest shows it: a receipt printed with that QR code."""
        png = os.path.join(self.camera, self.name(what) + ".png")
        subprocess.run([CLI, "receipt", "--preview", png, "--kind", "admit", "--qr", text],
                       check=True)

    def receipt_key(self):
        p = subprocess.run([CLI, "events", "pubkey", "--state-dir", self.state], check=True,
                           capture_output=True, text=True)
        return p.stdout.split()[1]

    def receipt_seed(self):
        with open(os.path.join(self.state, "kiosk-receipt-ed25519.key"), "rb") as f:
            return f.read()


def canonical_holder(family, given, dob):
    """docs/codes.md: family, given, birth date, each as 2-byte length and bytes, names folded
    (these ASCII test names: upper case)."""
    out = b""
    for field in (family.upper(), given.upper(), dob):
        data = field.encode()
        out += len(data).to_bytes(2, "big") + data
    return out


def sign_receipt(seed, body):
    raw = json.dumps(body, separators=(",", ":")).encode()
    sig = Ed25519PrivateKey.from_private_bytes(seed).sign(b"passgate/v1/receipt\0" + raw)
    return "PGR1:" + b64u(raw) + "." + b64u(sig)


def receipt_body(venue, kiosk, date, trip_start, night, given=base.GIVEN):
    salt = os.urandom(16)
    h = hashlib.sha256(salt + canonical_holder(base.FAMILY, given, base.BIRTH)).digest()[:8]
    return {"v": 1, "venue": venue, "kiosk": kiosk, "date": date, "slot": 0,
            "decision": "admit", "kind": "test", "program": "hokkaido-doumin-wari",
            "trip_start": trip_start, "night": night, "vc": b64u(bytes(16)),
            "hb": {"s": b64u(salt), "h": b64u(h)}}


def printed_codes(path):
    """The receipt codes in a printer file: the data of each GS ( k store (fn 80)."""
    with open(path, "rb") as f:
        data = f.read()
    out = []
    for m in re.finditer(rb"\x1d\(k(..)1P0", data, re.S):
        n = int.from_bytes(m.group(1), "little") - 3
        out.append(data[m.end():m.end() + n].decode())
    return [c for c in out if c.startswith("PGR1:")]


def verify_receipt(text, pubkey_b64):
    body_b64, _, sig_b64 = text[5:].partition(".")
    body = b64u_dec(body_b64)
    pk = serialization.load_der_public_key(
        bytes.fromhex("302a300506032b6570032100") + base64.b64decode(pubkey_b64))
    try:
        pk.verify(b64u_dec(sig_b64), b"passgate/v1/receipt\0" + body)
    except Exception:  # noqa: BLE001 - any failure is a bad signature
        return None
    return json.loads(body)


def run(k, n_decisions, settle=1.0):
    """Start the kiosk, wait for its decisions and for the camera to run out, stop it."""
    k.start()
    k.wait_decisions(n_decisions, timeout=40)
    time.sleep(settle)
    rc, _ = k.stop()
    check(rc == 0, f"{k.venue}: passgated exits 0 on SIGTERM")


def decisions_of(k):
    return [(m.group(1), m.group(2).split(",")) for m in
            (re.match(r"(admit|deny) (\S+)", d) for d in k.decisions())]


def events_of(city, venue, kiosk):
    topic = f"passgate/v1/{CITY}/venue/{venue}/kiosk/{kiosk}/check"
    got = []
    for line in city.raw().splitlines():
        t, _, payload = line.partition(b" ")
        if t.decode() == topic:
            got.append(json.loads(payload))
    return got


def check_privacy(k, extra_files=()):
    needles = [base.FAMILY, base.GIVEN, OTHER_GIVEN, base.BIRTH, base.BIRTH.replace("-", "")]
    places = [("state dir " + os.path.relpath(p, k.state), p) for p in base.files_under(k.state)]
    places += [("sim log", k.gpio_log), ("receipts", k.printer), ("stdout", k.out),
               ("stderr", k.err)] + list(extra_files)
    for label, path in places:
        with open(path, "rb") as f:
            data = f.read().lower()
        codes = re.findall(rb"pg[rb]1:[a-z0-9_.-]+", data)
        decoded = b"".join(b64u_dec(c[5:].split(b".")[0].decode()) for c in codes
                           if len(c) > 8 and len(c[5:].split(b".")[0]) % 4 != 1)
        hits = [n for n in needles if n.lower().encode() in data + decoded.lower()]
        check(not hits, f"{k.venue}: no name or birth date in {label}"
              f"{': found ' + repr(hits) if hits else ''}")


# ---------------------------------------------------------------------------------------------

def test_stays(tmp):
    broker = base.Broker(tmp)
    broker.start()
    city = base.Subscriber(tmp, broker)
    programs = programs_dir(tmp)
    a = CodeKiosk(os.path.join(tmp, "a"), broker, "hotel-a", "front-a", programs)
    a.conf["program"] = "hokkaido-doumin-wari"
    test_yday = ("--test", f"pcr,{today(-1)}T09:00:00+09:00,negative")
    a.card("guest-without-booking", *test_yday)
    a.booking("booking-resident", "--trip-start", today(), "--nights", "2",
              "--residence", "JP-01")
    a.card("guest-with-booking", *test_yday)
    run(a, 2)
    got = decisions_of(a)
    check(got == [("deny", ["residence-not-eligible"]), ("admit", ["tested-negative"])],
          f"hotel A: a Hokkaido resident denied without a booking code, admitted with one; "
          f"got {got}")
    codes = printed_codes(a.printer)
    check(len(codes) == 1, f"hotel A: one admit receipt with a receipt code ({len(codes)})")
    body = verify_receipt(codes[0], a.receipt_key()) if codes else None
    check(body is not None, "hotel A: the printed receipt code verifies with A's receipt key")
    if body:
        check((body["venue"], body["kiosk"], body["date"], body["trip_start"], body["night"],
               body["program"], body["decision"]) ==
              ("hotel-a", "front-a", today(), today(), 1, "hokkaido-doumin-wari", "admit"),
              f"hotel A: receipt code body {body}")
        salt = b64u_dec(body["hb"]["s"])
        want = hashlib.sha256(salt + canonical_holder(base.FAMILY, base.GIVEN,
                                                      base.BIRTH)).digest()[:8]
        check(b64u_dec(body["hb"]["h"]) == want,
              "hotel A: the holder binding is SHA-256(salt ‖ canonical holder)[0..8]")
    with open(a.printer, "rb") as f:
        printed = f.read()
    check(f"Trip began {today()}, night 1".encode() in printed,
          "hotel A: the admit receipt prints the trip's first day and night 1")
    check_privacy(a)

    # Hotel B: the city's trust update lists A's receipt key.
    b = CodeKiosk(os.path.join(tmp, "b"), broker, "hotel-b", "front-b", programs)
    b.conf["program"] = "hokkaido-doumin-wari"
    body_json = json.dumps({"receipt_keys": [{"venue": "hotel-a", "kiosk": "front-a",
                                              "key": a.receipt_key()}]})
    p = subprocess.run([CITY_SIGN, CITY_SEED, f"passgate/v1/{CITY}/trust", "1000", body_json,
                        os.path.join(b.state, "city-trust.signed")],
                       check=True, capture_output=True, text=True)
    b.city_key = p.stdout.strip()
    seed = a.receipt_seed()
    stranger = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())
    rapid = ("--test", f"antigen-rapid,{today(-2)}T09:00:00+09:00,negative")
    night1 = sign_receipt(seed, receipt_body("hotel-a", "front-a", today(-1), today(-1), 1))
    # Bad booking codes first: forged (another key), another venue, expired.
    other_key = os.path.join(tmp, "other-booking.key")
    subprocess.run([CLI, "booking", "keygen", "--out", other_key], check=True,
                   capture_output=True)
    b.booking("booking-forged", "--trip-start", today(), key=other_key)
    b.booking("booking-other-venue", "--trip-start", today(), venue="hotel-a")
    b.booking("booking-expired", "--trip-start", today(-3), "--nights", "2")
    forged_sig = night1[:-10] + ("A" if night1[-10] != "A" else "B") + night1[-9:]
    cases = [  # (what, receipt code or None, holder, expected)
        ("no-receipt", None, base.GIVEN, ("deny", ["test-expired"])),
        ("night1-receipt", night1, base.GIVEN, ("admit", ["tested-negative"])),
        ("other-holder", sign_receipt(seed, receipt_body("hotel-a", "front-a", today(-1),
                                                         today(-1), 1, given=OTHER_GIVEN)),
         base.GIVEN, ("deny", ["test-expired"])),
        ("one-byte", forged_sig, base.GIVEN, ("deny", ["test-expired"])),
        ("unregistered", sign_receipt(stranger, receipt_body("hotel-c", "front-c", today(-1),
                                                             today(-1), 1)),
         base.GIVEN, ("deny", ["test-expired"])),
    ]
    for i, (what, code, given, _) in enumerate(cases):
        b.booking(f"booking-{what}", "--trip-start", today(), "--nights", str(i + 1),
                  "--residence", "JP-01")
        if code:
            b.show_code(f"receipt-{what}", code)
        b.card(f"guest-{what}", *rapid, given=given)
    # Night 6: the night-5 receipt, a PCR test valid at the trip's first day.
    b.booking("booking-night6", "--trip-start", today(), "--nights", "9", "--residence", "JP-01")
    b.show_code("receipt-night5", sign_receipt(seed, receipt_body(
        "hotel-a", "front-a", today(-1), today(-5), 5)))
    b.card("guest-night6", "--test", f"pcr,{today(-6)}T09:00:00+09:00,negative")
    cases.append(("night6", None, base.GIVEN, ("deny", ["test-expired"])))
    run(b, len(cases))
    got = decisions_of(b)
    want = [c[3] for c in cases]
    for (what, *_), w, g in zip(cases, want, got):
        check(g == w, f"hotel B, {what}: {w}; got {g}")
    log = b.log()
    check("receipt code ignored: of another holder" in log and
          "receipt code ignored: signature not valid" in log and
          "receipt code ignored: kiosk not known to this city" in log,
          "hotel B: each ignored receipt code is logged with its reason")
    for why, code in (("signature not valid", "booking-invalid"),
                      ("for another program or venue", "booking-other-venue"),
                      ("expired", "booking-expired")):
        check(f"booking code refused: {why}" in log and
              f"Code: {code}".encode() in open(b.printer, "rb").read(),
              f"hotel B: a booking code {why}: denied {code} (log and receipt)")
    codes = printed_codes(b.printer)
    body = verify_receipt(codes[0], b.receipt_key()) if codes else None
    check(body is not None and (body["trip_start"], body["night"]) == (today(-1), 2),
          f"hotel B: night 2's receipt says the trip began yesterday, night 2 ({body})")
    evs = events_of(city, "hotel-b", "front-b")
    check(len(evs) == len(cases), f"hotel B: one event per certificate, none for booking codes "
          f"({len(evs)} events, {len(cases)} certificates)")
    check_privacy(b, [("MQTT traffic", city.path)])
    city.stop()
    broker.stop()


def test_party(tmp):
    broker = base.Broker(tmp)
    broker.start()
    city = base.Subscriber(tmp, broker)
    programs = programs_dir(tmp)
    k = CodeKiosk(os.path.join(tmp, "r"), broker, "izakaya", "door", programs,
                  extra="[context]\nrestrictions = priority\n")
    k.conf["program"] = "aichi-restaurant"
    k.conf["buttons"] = True
    two = ("--vaccination", today(-200), "--vaccination", today(-170))
    one = ("--vaccination", today(-200))
    k.booking("party-of-5", "--trip-start", today(), "--party", "5")
    k.card("member-1", *two)
    k.card("member-2", *two, given="Memberb")
    k.booking("other-venue-in-between", "--trip-start", today(), "--party", "1",
              venue="elsewhere")
    k.card("member-3-one-dose", *one, given="Memberc")
    k.card("member-4", *two, given="Memberd")
    k.card("member-5", *two, given="Membere")
    k.booking("lone-diner", "--trip-start", today(), "--party", "1")
    k.card("lone-diner-one-dose", *one, given="Memberf")
    k.start()
    k.wait_decisions(8, timeout=40)
    rc, _ = k.stop()
    check(rc == 0, "izakaya: passgated exits 0 on SIGTERM")
    got = decisions_of(k)
    want = [("admit", ["vaccinated"]), ("admit", ["vaccinated"]),
            ("deny", ["vaccination-incomplete"]), ("deny", ["group-member-failed"]),
            ("deny", ["group-member-failed"]),
            ("deny", ["group-member-failed"]), ("deny", ["group-member-failed"]),  # revisions
            ("admit", ["check-not-required"])]
    check(got == want, f"Aichi party of 5, then a lone diner: {want}; got {got}")
    check("booking code refused: for another program or venue" in k.log(),
          "a booking code for another venue in the middle is denied, the party's session kept")
    lights = [n for _, n in k.lights()]
    check(lights == ["green", "green", "red", "red", "red", "red", "green"],
          f"lights: no green for members after the failure; got {lights}")
    with open(k.gpio_log) as f:
        relay = sum(1 for line in f if line.split()[1:] == ["relay", "1"])
    check(relay == 3, f"the relay opens for the 2 admissions before the failure and the lone "
          f"diner only ({relay})")
    evs = events_of(city, "izakaya", "door")
    revised = [e for e in evs if e["reasons"] == ["group-member-failed"]]
    check(len(evs) == 8 and len(revised) == 4,
          f"events: 6 decisions + 2 revisions when the next booking closed the session "
          f"({len(evs)} events, {len(revised)} group-member-failed)")
    check_privacy(k, [("MQTT traffic", city.path)])

    # Children: the booking's ages are what the child button declares.
    c = CodeKiosk(os.path.join(tmp, "c"), broker, "family-izakaya", "door", programs,
                  extra="[context]\nrestrictions = priority\n")
    c.conf["program"] = "aichi-restaurant"
    c.conf["buttons"] = True
    c.booking("family", "--trip-start", today(), "--party", "5", "--child", "4", "--child", "8")
    c.card("parent", *two)
    c.start()
    c.wait_decisions(1, timeout=20)
    c.press("child")
    c.wait_decisions(2, timeout=10)
    c.press("child")
    c.wait_decisions(3, timeout=10)
    c.stop()
    got = decisions_of(c)
    check(got == [("admit", ["vaccinated"]), ("admit", ["child-exempt"]),
                  ("deny", ["child-test-required"])],
          f"children 4 and 8 of the booking: exempt, then test required; got {got}")
    city.stop()
    broker.stop()


def test_nagano(tmp):
    broker = base.Broker(tmp)
    broker.start()
    city = base.Subscriber(tmp, broker)
    k = CodeKiosk(os.path.join(tmp, "n"), broker, "ryokan", "front", programs_dir(tmp))
    k.conf["program"] = "nagano-shinshu-wari"
    two = ("--vaccination", today(-200), "--vaccination", today(-170))
    k.booking("reserved-0411", "--trip-start", today(), "--reserved-on", "2022-04-11")
    k.card("two-doses-a", *two)
    k.booking("reserved-0410", "--trip-start", today(), "--reserved-on", "2022-04-10")
    k.card("two-doses-b", *two)
    run(k, 2)
    got = decisions_of(k)
    check(got == [("deny", ["vaccination-incomplete"]), ("admit", ["vaccinated"])],
          f"Nagano: reserved on 04-11 needs 3 doses, on 04-10 two; got {got}")
    check_privacy(k, [("MQTT traffic", city.path)])
    city.stop()
    broker.stop()


def main():
    tmp = tempfile.mkdtemp(prefix=f"passgate-codes-{MODE}-")
    t0 = time.monotonic()
    try:
        {"stays": test_stays, "party": test_party, "nagano": test_nagano}[MODE](tmp)
    finally:
        for p in base.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if base.failures:
            for root, _, files in os.walk(tmp):
                for f in files:
                    if f == "daemon.err":
                        with open(os.path.join(root, f), errors="replace") as fh:
                            sys.stderr.write(f"---- {root} passgated stderr ----\n" + fh.read())
        if os.environ.get("PASSGATE_KEEP_TMP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{MODE}: {base.failures} failure(s) in {time.monotonic() - t0:.1f} s")
    return 1 if base.failures else 0


if __name__ == "__main__":
    sys.exit(main())
