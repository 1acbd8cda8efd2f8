#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""city_e2e.py - issue 11 acceptance: the city side with the real binaries and a real broker.

    city_e2e.py PASSGATE_CITYD PASSGATE_CITY PASSGATED MOSQUITTO MODE

MODE
e2e-sqlite  init -> kiosk add (the kiosk's `passgate events pubkey`) -> passgate-cityd publishes
            the sealed day keys -> passgated scans minted cards -> every stored event has a
            non-null tok -> `trace --payload-file` of one visitor finds that visit and the
            number of other admitted visitors in the window, and prints no other token or name;
            the audit log has a line without the case's identity; `kiosk list` shows the kiosk
            online with its day key; the retained aggregates suppress counts below k.
e2e-pg      the same with [store] url = postgresql:// (run under pg_virtualenv by ctest).
tokens      tokens computed by the city and by the kiosk agree: kanji with fullwidth and ASCII
            spaces, a fullwidth romaji name, and a DCC with fnt/gnt; trace by --name finds each.
retention   an injected clock (PASSGATE_CITY_TEST_TIME_OFFSET): day d's events and K_day are
            gone 14 days later, and trace for d answers "shredded", not "no visit"; 13 days
            later they are still there.
two         two daemons in one shared-subscription group store 10 000 events exactly once;
            one of them is SIGKILLed mid-stream and restarted: nothing is lost.
bad         malformed events (bad JSON, unknown v, huge payload, wrong topic shape, a wrong
            field) are counted and dropped while good ones are stored; trace with an unreadable
            or unverifiable certificate says why; a bad config stops with file:line: reason.

Every process started here is stopped at the end; PASSGATE_KEEP_TMP=1 keeps the directory.
"""
import base64
import datetime
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zlib
import struct
from zoneinfo import ZoneInfo

CITYD, CITYCLI, PASSGATED, MOSQUITTO, MODE = sys.argv[1:6]
CLI = os.environ["PASSGATE_CLI"]
SOURCE = os.environ["PASSGATE_SOURCE_DIR"]
ISSUER = "https://issuer.passgate.test"
CITY, VENUE, KIOSK = "e2ecity", "e2e-venue", "door-1"
procs = []
failures = 0


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what, file=sys.stdout if cond else sys.stderr)
    if not cond:
        failures += 1
    return cond


def spawn(args, **kw):
    p = subprocess.Popen(args, **kw)
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10):
    if p and p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def wait_until(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    raise SystemExit(f"timed out after {timeout} s waiting for {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def day(offset):
    """A date @offset days from today, in UTC (for issue-test)."""
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + offset * 86400))


def city_day(offset=0, now=None):
    """The city's local day (Asia/Tokyo) @offset days from @now."""
    t = (now or time.time()) + offset * 86400
    return datetime.datetime.fromtimestamp(t, ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d")


def blank_png(path, size=64):
    raw = b"".join(b"\0" + b"\xff" * size for _ in range(size))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0,
                                                                     0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Broker:
    def __init__(self, tmp):
        self.port = free_port()
        self.conf = os.path.join(tmp, "mosquitto.conf")
        self.log = os.path.join(tmp, "broker.log")
        with open(self.conf, "w") as f:
            f.write(f"user {pwd.getpwuid(os.getuid()).pw_name}\nlistener {self.port} 127.0.0.1\n"
                    "allow_anonymous true\npersistence false\nmax_queued_messages 100000\n"
                    "max_inflight_messages 20\n")
        with open(self.log, "ab") as log:
            self.proc = spawn([MOSQUITTO, "-c", self.conf], stdout=log, stderr=log)
        wait_until(self.listening, 10, "mosquitto")

    def listening(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.2):
                return True
        except OSError:
            return False

    def retained(self, topic, timeout=10):
        """The retained message on @topic (bytes), or None."""
        p = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.port), "-V",
                            "mqttv5", "-t", topic, "-C", "1", "-W", str(timeout), "-F", "%x"],
                           capture_output=True, text=True)
        out = p.stdout.strip()
        return bytes.fromhex(out) if p.returncode == 0 and out else None

    def publish(self, topic, payload, qos=1):
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.port), "-V",
                        "mqttv5", "-q", str(qos), "-t", topic, "-s"], input=payload.encode(),
                       check=True)


class City:
    def __init__(self, tmp, broker, store_url=None, name="city", extra=""):
        self.tmp = tmp
        self.broker = broker
        self.state = os.path.join(tmp, "city-state")
        self.keys = os.path.join(tmp, "keys")
        self.conf = os.path.join(tmp, name + ".conf")
        self.err = os.path.join(tmp, name + ".err")
        self.name = name
        self.proc = None
        self.write_conf(store_url, extra)

    def write_conf(self, store_url, extra, client_id=None):
        text = f"""[city]
id = {CITY}
state_dir = {self.state}
stats_interval_s = 1
timezone = Asia/Tokyo
{extra}
[mqtt]
host = 127.0.0.1
port = {self.broker.port}
client_id = {client_id or 'passgate-city-' + self.name}
keepalive = 5
[trust]
default = no
jwks = {ISSUER}={self.keys}/shc-issuer.jwks.json
cert = {self.keys}/dcc-signer.cert.pem
"""
        if store_url:
            text += f"[store]\nurl = {store_url}\n"
        with open(self.conf, "w") as f:
            f.write(text)

    def cli(self, *args, env=None, check_rc=None):
        p = subprocess.run([CITYCLI, "--config", self.conf, *args], capture_output=True,
                           text=True, env=env)
        if check_rc is not None and p.returncode != check_rc:
            raise SystemExit(f"passgate-city {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
        return p

    def start(self, env_extra=None):
        env = dict(os.environ)
        for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
            env.pop(k, None)
        env.update(env_extra or {})
        with open(self.err, "ab") as err:
            self.proc = spawn([CITYD, "-v", "--config", self.conf], stdout=err, stderr=err,
                              env=env)

    def log(self):
        with open(self.err, "rb") as f:
            return f.read().decode(errors="replace")

    def events(self, env=None):
        p = self.cli("events", "--limit", "1000000", env=env)
        if p.returncode != 0:
            return []
        return [json.loads(line) for line in p.stdout.splitlines()]

    def counters(self):
        p = self.cli("events", "--counters", check_rc=0)
        return json.loads(p.stdout)

    def wait_events(self, n, timeout=30):
        def enough():
            if self.proc and self.proc.poll() is not None:
                raise SystemExit(f"passgate-cityd exited ({self.proc.returncode}):\n{self.log()}")
            ev = self.events()
            return ev if len(ev) >= n else None
        return wait_until(enough, timeout, f"{n} stored events")


class Kiosk:
    """passgated with a dir: camera, sim GPIO, no printer, and the city's key."""

    def __init__(self, tmp, broker, keys, city_key):
        self.tmp, self.broker, self.keys, self.city_key = tmp, broker, keys, city_key
        self.camera = os.path.join(tmp, "camera")
        self.state = os.path.join(tmp, "kiosk-state")
        self.conf = os.path.join(tmp, "passgated.conf")
        self.err = os.path.join(tmp, "passgated.err")
        for d in (self.camera, self.state):
            os.makedirs(d, exist_ok=True)
        self.payloads = {}
        self.proc = None

    def pubkey(self):
        """(X25519 key, receipt key): `passgate events pubkey` prints one per line."""
        lines = subprocess.run([CLI, "events", "pubkey", "--state-dir", self.state],
                               check=True, capture_output=True, text=True).stdout.split()
        return lines[0], (lines[1] if len(lines) > 1 else None)

    def mint(self, name, fmt, family, given, birth, *args):
        png = os.path.join(self.camera, name + ".png")
        p = subprocess.run([CLI, "issue-test", fmt, "--dir", self.keys, "--family", family,
                            "--given", given, "--birth-date", birth, *args, "--png", png],
                           check=True, capture_output=True, text=True)
        self.payloads[name] = p.stdout.strip()
        return self.payloads[name]

    def blanks(self, prefix, n):
        for i in range(n):
            blank_png(os.path.join(self.camera, f"{prefix}-{i:03d}.png"))

    def start(self):
        with open(self.conf, "w") as f:
            f.write(f"""[venue]
id = {VENUE}
name = City E2E venue
programs_dir = {SOURCE}/rules/programs
[camera]
source = dir:{self.camera}
dir_interval_ms = 100
[gpio]
backend = sim
sim_log = {self.tmp}/gpio.log
[printer]
device = none
[trust]
default = no
jwks = {ISSUER}={self.keys}/shc-issuer.jwks.json
cert = {self.keys}/dcc-signer.cert.pem
[clock]
require_sync = no
[state]
dir = {self.state}
[mqtt]
host = 127.0.0.1
port = {self.broker.port}
city = {CITY}
kiosk = {KIOSK}
keepalive = 5
connect_timeout_s = 2
city_key = {self.city_key}
""")
        with open(self.err, "ab") as err:
            self.proc = spawn([PASSGATED, "-v", "--config", self.conf], stdout=err, stderr=err)

    def log(self):
        with open(self.err, "rb") as f:
            return f.read().decode(errors="replace")

    def decisions(self):
        return re.findall(r"^<\d>((?:admit|deny) .*)$", self.log(), re.M)


def setup_city(tmp, store_url=None):
    """Broker, keys, city init, a registered kiosk, and both daemons' configuration."""
    broker = Broker(tmp)
    keys = os.path.join(tmp, "keys")
    subprocess.run([CLI, "issue-test", "keygen", "--dir", keys], check=True,
                   stdout=subprocess.DEVNULL)
    city = City(tmp, broker, store_url)
    init = json.loads(city.cli("init", check_rc=0).stdout)
    check(set(init) == {"city", "city_key"} and init["city"] == CITY,
          f"init prints {{city, city_key}} ({sorted(init)})")
    st = os.stat(os.path.join(city.state, "city-ed25519.key"))
    check(st.st_mode & 0o777 == 0o600 and st.st_size == 64, "the city key is 64 bytes, mode 0600")
    kiosk = Kiosk(tmp, broker, keys, init["city_key"])
    pub, receipt = kiosk.pubkey()
    added = city.cli("kiosk", "add", "--venue", VENUE, "--kiosk", KIOSK, "--pubkey", pub,
                     "--ward", "chuo", *(["--receipt-key", receipt] if receipt else []),
                     check_rc=0)
    check(json.loads(added.stdout) == {"venue": VENUE, "kiosk": KIOSK, "ward": "chuo"},
          f"kiosk add: {added.stdout.strip()}")
    return broker, city, kiosk


def tokens_of(events):
    return {e["tok"] for e in events if e["tok"]}


VAX = ["--vaccination", day(-120), "--vaccination", day(-90)]
CASE = ("Zzyzxcase", "Qwertycase", "1980-01-02")
OTHERS = [("b-other", "shc", "Otherfamb", "Othergivb", "1971-03-04"),
          ("c-other", "shc", "Otherfamc", "Othergivc", "1972-05-06"),
          ("d-other", "shc", "Otherfamd", "Othergivd", "1973-07-08"),
          ("e-visitor", "dcc", "Otherfame", "Othergive", "1974-09-10")]


def test_e2e(tmp, store_url=None):
    broker, city, kiosk = setup_city(tmp, store_url)
    city.start()
    box = wait_until(lambda: broker.retained(f"passgate/v1/{CITY}/kiosk/{KIOSK}/daykeys", 2),
                     20, "the kiosk's retained day keys")
    check(box[:4] == b"PGS1" and len(box) > 76 + 48, f"day keys: a signed sealed box "
          f"({len(box)} bytes)")
    kiosk.blanks("000-nobody", 40)  # 4 s: the kiosk connects and takes its day keys
    case_qr = kiosk.mint("a-case", "shc", *CASE, *VAX)
    for name, fmt, fam, giv, birth in OTHERS:
        kiosk.mint(name, fmt, fam, giv, birth, *VAX)
    kiosk.mint("f-one-dose", "shc", "Otherfamf", "Othergivf", "1975-11-12", "--vaccination",
               day(-60))
    kiosk.start()
    n = 2 + len(OTHERS)
    wait_until(lambda: len(kiosk.decisions()) >= n, 60, f"{n} decisions")
    events = city.wait_events(n)
    check(len(events) == n, f"{n} decisions -> {len(events)} stored events")
    check(all(e["tok"] for e in events), "every stored event has a non-null tok")
    check(len(tokens_of(events)) == n, "six people, six different tokens")

    qr = os.path.join(tmp, "case.qr")
    with open(qr, "w") as f:
        f.write(case_qr + "\n")
    today = city_day()
    p = city.cli("trace", "--payload-file", qr, "--from", city_day(-1), "--to", city_day(1))
    check(p.returncode == 0, f"trace: exit 0 ({p.returncode}: {p.stderr.strip()})")
    res = json.loads(p.stdout)
    visits = res["visits"]
    check(len(visits) == 1 and visits[0]["venue"] == VENUE and visits[0]["decision"] == "admit",
          f"trace finds the one visit at {VENUE}: {visits}")
    check(len(res["venues"]) == 1 and res["venues"][0]["copresent"] == len(OTHERS),
          f"co-present: {len(OTHERS)} other admitted visitors (not the denied one): "
          f"{res['venues']}")
    check([d["status"] for d in res["days"]].count("searched") >= 1,
          f"days searched: {res['days']}")
    leaked = [t for t in tokens_of(events) if t in p.stdout]
    check(not leaked, "trace prints no token (not even the case's)")
    names = [o[2] for o in OTHERS] + [CASE[0], CASE[1], CASE[2]]
    check(not [s for s in names if s.lower() in (p.stdout + p.stderr).lower()],
          "trace prints no name or birth date")
    with open(os.path.join(city.state, "trace-audit.log")) as f:
        audit = f.read()
    check(audit.count("\n") == 1 and '"visits":1' in audit and CASE[0] not in audit and
          CASE[2] not in audit, f"one audit line without the case's identity: {audit.strip()}")

    p = city.cli("trace", "--payload-file", qr, "--from", today, "--to", today, "--notify")
    check(p.returncode == 0, f"trace --notify: exit 0 ({p.stderr.strip()})")
    notice = broker.retained(f"passgate/v1/{CITY}/notice/{today}")
    body = json.loads(notice[76:]) if notice and notice[:4] == b"PGS1" else {}
    win = res["venues"][0]["window"]
    check(body.get("v") == 1 and body.get("date") == today and len(body["notices"]) == 1 and
          len(body["notices"][0]["h"]) == 43 and body["notices"][0]["from"] == win["from"] and
          body["notices"][0]["to"] == win["to"] and set(body["advice"]) == {"ja", "en"},
          f"a signed notice: SHA-256(visit_code) and the window {win}: {body}")
    check(VENUE not in notice.decode(errors="replace") and
          not [t for t in tokens_of(events) if t in notice.decode(errors="replace")],
          "the notice names no venue and carries no token")

    def kiosk_row():
        rows = [json.loads(x) for x in city.cli("kiosk", "list", check_rc=0).stdout.splitlines()]
        return rows[0] if rows and rows[0]["state"] == "online" and rows[0]["daykey"] else None
    row = wait_until(kiosk_row, 15, "kiosk list: online with a day key")
    check(row["eid_gaps"] == 0 and row["ward"] == "chuo", f"kiosk list: {row}")
    denied = sum(1 for e in city.events() if e["decision"] == "deny")

    def fresh_stats():  # refreshed every second: wait for the round after the last event
        raw = broker.retained(f"passgate/v1/{CITY}/stats/day/{today}", 2)
        st = json.loads(raw) if raw else None
        return st if st and st["denied"] == ("<10" if denied else 0) else None
    stats = wait_until(fresh_stats, 15, "stats")
    check(stats["admitted"] == "<10" and stats["denied"] == ("<10" if denied else 0) and
          stats["k"] == 10 and
          len(stats["hours"]) == 24 and stats["kinds"]["vaccination"] == "<10",
          f"city aggregates suppress 1..k-1: admitted {stats['admitted']}, "
          f"denied {stats['denied']}")
    ward = json.loads(broker.retained(f"passgate/v1/{CITY}/stats/ward/chuo/day/{today}"))
    check(ward["ward"] == "chuo", "the ward's aggregates are published")
    fleet = json.loads(broker.retained(f"passgate/v1/{CITY}/stats/fleet"))
    check(fleet["kiosks"][0]["kiosk"] == KIOSK and "tok" not in json.dumps(fleet),
          "fleet health lists the kiosk")
    for label, text in (("stats", json.dumps(stats)), ("city log", city.log())):
        check(not [t for t in tokens_of(events) if t in text], f"no token in the {label}")
    stop(kiosk.proc)
    stop(city.proc)
    check(city.proc.returncode == 0, "passgate-cityd: SIGTERM -> exit 0")


def main():
    tmp = tempfile.mkdtemp(prefix="city-e2e-")
    try:
        if MODE == "e2e-sqlite":
            test_e2e(tmp)
        elif MODE == "e2e-pg":
            test_e2e(tmp, "postgresql://")
        elif MODE in TESTS:
            TESTS[MODE](tmp)
        else:
            raise SystemExit(f"unknown mode {MODE}")
    finally:
        for p in procs:
            stop(p)
        if os.environ.get("PASSGATE_KEEP_TMP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        raise SystemExit(f"{failures} check(s) failed")
    print("all checks passed")


def trace_name(city, name, birth, issuer, frm, to, env=None):
    p = city.cli("trace", "--name", name, "--birth-date", birth, "--issuer", issuer, "--from",
                 frm, "--to", to, env=env)
    return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else None), p.stderr


def test_tokens(tmp):
    """Acceptance 2: the kiosk computes tok, the city recomputes it from the case."""
    broker, city, kiosk = setup_city(tmp)
    city.start()
    wait_until(lambda: broker.retained(f"passgate/v1/{CITY}/kiosk/{KIOSK}/daykeys", 2), 20,
               "day keys")
    kiosk.blanks("000-nobody", 40)
    cards = {  # card as minted -> the name as a tracer types it
        "a-kanji": (("山田", "花子　二世", "1990-01-01"), "山田,花子 二世"),
        "b-fullwidth": (("Ｙａｍａｄａ", "Ｔａｒｏ", "1991-02-03"), "yamada,TARO"),
        "c-ascii-spaces": (("  De  La Cruz ", "Ana  Maria", "1992-04-05"), "DE LA CRUZ,ANA MARIA"),
    }
    for name, ((fam, giv, birth), _) in cards.items():
        kiosk.mint(name, "shc", fam, giv, birth, *VAX)
    dcc_qr = kiosk.mint("d-dcc-fnt", "dcc", "Müller", "Jürgen", "1993-06-07", *VAX)
    kiosk.start()
    wait_until(lambda: len(kiosk.decisions()) >= 4, 60, "4 decisions")
    events = city.wait_events(4)
    check(all(e["tok"] for e in events), "the kiosk computed a token for every card")
    frm, to = city_day(-1), city_day(1)
    for name, ((fam, giv, birth), typed) in cards.items():
        rc, res, err = trace_name(city, typed, birth, ISSUER, frm, to)
        check(rc == 0 and res and len(res["visits"]) == 1,
              f"{name}: the city's token from {typed!r} matches the kiosk's ({rc} {err.strip()})")
    qr = os.path.join(tmp, "dcc.qr")
    with open(qr, "w") as f:
        f.write(dcc_qr)
    p = city.cli("trace", "--payload-file", qr, "--from", frm, "--to", to)
    check(p.returncode == 0 and len(json.loads(p.stdout)["visits"]) == 1,
          "DCC: the token from the certificate (fnt/gnt) matches the kiosk's")
    verified = json.loads(subprocess.run(
        [CLI, "verify", "--no-default-trust", "--trust-cert", f"{kiosk.keys}/dcc-signer.cert.pem",
         "--payload-file", qr], capture_output=True, text=True).stdout)
    issuer = verified["issuer"]
    rc, res, _ = trace_name(city, "Müller,Jürgen", "1993-06-07", issuer, frm, to)
    check(rc == 1 and res and not res["visits"],
          "DCC: the printed name (fn/gn) is not the token's input when fnt is present")
    stop(kiosk.proc)
    stop(city.proc)


def synthetic(kiosk, seq, slot, tok=None, venue=VENUE):
    return json.dumps({"v": 1, "eid": f"{kiosk}:{seq}", "venue": venue, "kiosk": kiosk,
                       "slot": slot, "program": "national-package", "decision": "admit",
                       "reasons": ["vaccinated"], "kind": "vaccination", "format": "shc",
                       "tok": tok}, separators=(",", ":"))


def check_topic(kiosk=KIOSK, venue=VENUE):
    return f"passgate/v1/{CITY}/venue/{venue}/kiosk/{kiosk}/check"


def test_retention(tmp):
    """Acceptance 3: after 14 days, K_day and the day's events go together: "shredded"."""
    broker, city, _ = setup_city(tmp)
    city.start()
    wait_until(lambda: broker.retained(f"passgate/v1/{CITY}/kiosk/{KIOSK}/daykeys", 2), 20,
               "day keys")
    now = time.time()
    d = city_day(0, now)
    slot = int(now) // 600
    for i in range(1, 4):
        broker.publish(check_topic(), synthetic(KIOSK, i, slot, "A" * 21 + str(i)))
    city.wait_events(3)
    stop(city.proc)
    rc, res, _ = trace_name(city, "Case,Someone", "1980-01-01", ISSUER, d, d)
    check(rc == 1 and res["days"] == [{"date": d, "status": "searched"}],
          f"day {d}: searched, no visit ({res and res['days']})")
    db = os.path.join(city.state, "city.db")

    def kday_rows():
        return subprocess.run(["sqlite3", db, f"SELECT count(*) FROM kday WHERE day = '{d}'"],
                              capture_output=True, text=True).stdout.strip()
    check(kday_rows() == "1", f"K_day of {d} is in the store")
    for days, gone in ((13, False), (14, True)):
        env = dict(os.environ, PASSGATE_CITY_TEST_TIME_OFFSET=str(days * 86400))
        os.rename(city.err, f"{city.err}.{days}")
        city.start(env)
        wait_until(lambda: "day keys for kiosk" in city.log(), 20,
                   f"the daemon's first round at +{days} days")
        stop(city.proc)
        events = city.events(env)
        rc, res, _ = trace_name(city, "Case,Someone", "1980-01-01", ISSUER, d, d, env)
        status = res["days"][0]["status"] if res else None
        if not gone:
            check(len(events) == 3 and kday_rows() == "1" and status == "searched",
                  f"+13 days: day {d} kept (events {len(events)}, K_day {kday_rows()}, "
                  f"trace {status})")
        else:
            check(len(events) == 0 and kday_rows() == "0",
                  f"+14 days: day {d}'s events ({len(events)}) and K_day ({kday_rows()}) gone")
            check(rc == 1 and status == "shredded",
                  f"+14 days: trace answers that {d} is shredded (got {status})")
    check("retention: shredded 1 day(s)" in city.log(), "the daemon logs the shredding")


def test_two(tmp):
    """Acceptance 4: two daemons, 10 000 events, each stored once; SIGKILL loses none."""
    broker = Broker(tmp)
    keys = os.path.join(tmp, "keys")
    os.makedirs(keys)
    a = City(tmp, broker, name="city-a")
    b = City(tmp, broker, name="city-b")
    a.cli("init", check_rc=0)
    a.start()
    b.start()
    wait_until(lambda: "broker: connected" in a.log() and "broker: connected" in b.log(), 20,
               "both daemons connected")
    time.sleep(0.5)
    slot = int(time.time()) // 600
    pubs = []
    for k in range(4):
        lines = "\n".join(synthetic(f"k{k}", i, slot) for i in range(1, 2501)) + "\n"
        path = os.path.join(tmp, f"k{k}.lines")
        with open(path, "w") as f:
            f.write(lines)
        with open(path) as f:
            pubs.append(subprocess.Popen(
                ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-V", "mqttv5",
                 "-q", "1", "-t", check_topic(f"k{k}"), "-l"], stdin=f))
    wait_until(lambda: len(a.events()) >= 2000, 60, "2000 events stored")
    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait()
    check(True, f"SIGKILL to daemon A after {len(a.events())} events")
    time.sleep(1)
    a.start()
    for p in pubs:
        p.wait(120)
    events = wait_until(lambda: (lambda e: e if len(e) >= 10000 else None)(a.events()), 120,
                        "10 000 events stored")
    time.sleep(2)
    events = a.events()
    eids = [e["eid"] for e in events]
    check(len(eids) == 10000 and len(set(eids)) == 10000,
          f"10 000 published -> {len(eids)} stored, {len(set(eids))} distinct")
    counters = a.counters()
    check(counters.get("stored") == 10000,
          f"counters: stored {counters.get('stored')}, duplicates dropped "
          f"{counters.get('duplicate', 0)}")
    stop(a.proc)
    stop(b.proc)
    share = [int(m) for m in re.findall(r"stored (\d+), duplicates", a.log() + b.log())]
    check(len([s for s in re.findall(r"stored (\d+), duplicates", b.log()) if int(s) > 0]) > 0,
          f"daemon B stored part of the stream (final counts {share})")


def test_bad(tmp):
    """Acceptance 6: bad input is counted and dropped; bad certificates and configs say why."""
    broker, city, kiosk = setup_city(tmp)
    city.start()
    wait_until(lambda: "broker: connected" in city.log(), 20, "connected")
    slot = int(time.time()) // 600
    bad = [
        (check_topic(), "{not json"),
        (check_topic(), synthetic(KIOSK, 1, slot).replace('"v":1', '"v":2')),
        (check_topic(), synthetic(KIOSK, 2, slot).replace('"shc"', '"' + "x" * 10000 + '"')),
        (check_topic("k" * 70), synthetic("k" * 70, 3, slot)),
        (check_topic(), synthetic(KIOSK, 4, slot).replace(f'"slot":{slot}', '"slot":"soon"')),
        (check_topic(), synthetic(KIOSK, 5, slot, venue="elsewhere")),
    ]
    for topic, payload in bad:
        broker.publish(topic, payload)
    broker.publish(check_topic(), synthetic(KIOSK, 6, slot))
    events = city.wait_events(1)
    time.sleep(1)
    counters = city.counters()
    want = {"bad-json": 1, "unknown-version": 1, "too-large": 1, "malformed-topic": 1,
            "bad-field": 2, "stored": 1}
    check(all(counters.get(k) == v for k, v in want.items()) and len(city.events()) == 1,
          f"counted and dropped: {counters}; the good event after them is stored")
    check(city.proc.poll() is None and "dropped 1 malformed event(s): bad-json" in city.log(),
          "the daemon keeps running and logs the drops")
    frm, to = city_day(-1), city_day(0)
    p = city.cli("trace", "--payload-file", os.path.join(tmp, "missing.qr"), "--from", frm,
                 "--to", to)
    check(p.returncode == 2 and "missing.qr: No such file" in p.stderr,
          f"trace, missing file: {p.stderr.strip()}")
    junk = os.path.join(tmp, "junk.qr")
    with open(junk, "w") as f:
        f.write("shc:/0123")
    p = city.cli("trace", "--payload-file", junk, "--from", frm, "--to", to)
    check(p.returncode == 2 and "does not verify" in p.stderr, f"trace, junk: {p.stderr.strip()}")
    stranger = os.path.join(tmp, "stranger")
    subprocess.run([CLI, "issue-test", "keygen", "--dir", stranger], check=True,
                   stdout=subprocess.DEVNULL)
    qr = subprocess.run([CLI, "issue-test", "shc", "--dir", stranger, "--family", "X",
                         "--given", "Y", "--birth-date", "1999-01-01", *VAX], check=True,
                        capture_output=True, text=True).stdout.strip()
    with open(junk, "w") as f:
        f.write(qr)
    p = city.cli("trace", "--payload-file", junk, "--from", frm, "--to", to)
    check(p.returncode == 2 and "does not verify: issuer-unknown" in p.stderr,
          f"trace, unknown signer: {p.stderr.strip()}")
    stop(city.proc)
    conf = os.path.join(tmp, "bad.conf")
    with open(conf, "w") as f:
        f.write("[city]\nid = c\nretention_days = soon\n")
    p = subprocess.run([CITYD, "--check-config", "--config", conf], capture_output=True,
                       text=True)
    check(p.returncode != 0 and f"{conf}:3: [city] retention_days: expected an integer" in
          p.stderr, f"bad config: {p.stderr.strip()}")
    with open(conf, "w") as f:
        f.write("[city]\nid = c\nstate_dir = /tmp\n[mqtt]\nhots = 127.0.0.1\n")
    p = subprocess.run([CITYD, "--config", conf], capture_output=True, text=True, timeout=10)
    check(p.returncode != 0 and f"{conf}:5: unknown key 'hots' in [mqtt]" in p.stderr,
          f"bad config stops the daemon: {p.stderr.strip()}")
    p = subprocess.run([CITYCLI, "--config", conf, "kiosk", "list"], capture_output=True,
                       text=True)
    check(p.returncode == 2 and f"{conf}:5:" in p.stderr, "and passgate-city the same way")


TESTS = {"tokens": test_tokens, "retention": test_retention, "two": test_two, "bad": test_bad}

if __name__ == "__main__":
    main()
