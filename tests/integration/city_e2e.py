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
                        "mqttv5", "-q", str(qos), "-t", topic, "-s"], input=payload,
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
        return subprocess.run([CLI, "events", "pubkey", "--state-dir", self.state],
                              check=True, capture_output=True, text=True).stdout.strip()

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
    added = city.cli("kiosk", "add", "--venue", VENUE, "--kiosk", KIOSK, "--pubkey",
                     kiosk.pubkey(), "--ward", "chuo", check_rc=0)
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

    def kiosk_row():
        rows = [json.loads(x) for x in city.cli("kiosk", "list", check_rc=0).stdout.splitlines()]
        return rows[0] if rows and rows[0]["state"] == "online" and rows[0]["daykey"] else None
    row = wait_until(kiosk_row, 15, "kiosk list: online with a day key")
    check(row["eid_gaps"] == 0 and row["ward"] == "chuo", f"kiosk list: {row}")
    stats = json.loads(wait_until(
        lambda: broker.retained(f"passgate/v1/{CITY}/stats/day/{today}", 2), 15, "stats"))
    check(stats["admitted"] == "<10" and stats["denied"] == "<10" and stats["k"] == 10 and
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


TESTS = {}

if __name__ == "__main__":
    main()
