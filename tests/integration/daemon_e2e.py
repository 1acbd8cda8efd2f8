#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""daemon_e2e.py - issue 6 acceptance: the real passgated, end to end.

    daemon_e2e.py PASSGATED MOSQUITTO e2e|holdoff|signals|buttons

Every mode mints its own cards with `passgate issue-test` (a throw-away issuer, a second one the
kiosk does not trust), shows them to passgated through a dir: camera, and runs the daemon with
simulated GPIO (sim_log, sim_buttons), a printer file, a real mosquitto on a free loopback port
(started here, with a private config, as the current user) and a private state directory. The
city's view is `mosquitto_sub -V mqttv5 -t 'passgate/#' -v`.

e2e      eleven cards (SHC and DCC; admits; denies: one dose, dose 2 too recent, positive test
         with its referral receipt, unknown signer, test too old, expired, not yet valid). Each
         card: exactly one event with the expected decision, reasons, format and program; the
         sim log shows green for each admit and red for each deny, in the cards' order; one
         receipt per card (ESC @ ... GS V); and the holder's name, birth date and DCC
         certificate id appear nowhere: state dir (-wal/-shm included), sim log, daemon
         stdout/stderr, MQTT traffic, receipts (self mode).
holdoff  [scan] repeat_holdoff_s = 1, passback_window_s = 3600, [camera] dir_interval_ms = 50:
         one card in 30 consecutive frames is one decision; the same card after 1.5 s of empty
         frames (measured on the sim log's clock) is `already-checked-in`; a denied card shown
         again after the hold-off is judged again (pass-back only remembers admissions).
signals  under a test-owned NOTIFY_SOCKET with WATCHDOG_USEC: READY=1, STATUS with the scan
         counts, WATCHDOG=1 pings while the kiosk works; SIGHUP with [venue] program changed
         to sapporo-pass-code -> RELOADING=1/READY=1, the log line, and the next decision's
         program; broker stopped -> decisions wait in the outbox; SIGTERM -> exit 0 within 2 s,
         `passgate events stats` still shows them pending; a restart with the broker up
         delivers them (same eids, nothing lost).
buttons  sim_buttons FIFO, [venue] child_button_age = 5: child with no adult in the session ->
         deny child-test-required; staff -> admit staff-verified; an adult admitted by the
         camera, then child -> admit child-exempt (national-package).

Every process started here is killed at the end, pass or fail; PASSGATE_KEEP_TMP=1 keeps the
temporary directory.
"""
import base64
import json
import os
import pwd
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

PASSGATED, MOSQUITTO, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
CLI = os.environ["PASSGATE_CLI"]
SOURCE = os.environ["PASSGATE_SOURCE_DIR"]
ISSUER = "https://issuer.passgate.test"
FAMILY, GIVEN, BIRTH = "Zzyzxname", "Qwertyname", "1987-06-05"
CITY, VENUE, KIOSK = "e2ecity", "e2e-venue", "door-1"
WATCHDOG_USEC = 400000  # pings every 200 ms; systemd would restart after 400 ms without one
CHECK_TOPIC = f"passgate/v1/{CITY}/venue/{VENUE}/kiosk/{KIOSK}/check"
procs = []
failures = 0


def check(cond, what):
    global failures
    if cond:
        print("ok:", what)
    else:
        failures += 1
        print("FAIL:", what, file=sys.stderr)
    return cond


def spawn(args, **kw):
    p = subprocess.Popen(args, **kw)
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10):
    if p.poll() is None:
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
        time.sleep(0.05)
    raise SystemExit(f"timed out after {timeout} s waiting for {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def day(offset):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + offset * 86400))


def stamp(offset_h):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + offset_h * 3600))


def blank_png(path, size=64):
    """A white grey-scale PNG without a code: a frame in which the camera sees nobody."""
    raw = b"".join(b"\0" + b"\xff" * size for _ in range(size))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0,
                                                                     0, 0)) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Broker:
    """A private mosquitto on a free loopback port, as the current user (as root it would switch
    to the mosquitto user, which cannot read this temporary directory)."""

    def __init__(self, tmp):
        self.port = free_port()
        self.conf = os.path.join(tmp, "mosquitto.conf")
        self.log = os.path.join(tmp, "broker.log")
        with open(self.conf, "w") as f:
            f.write(f"user {pwd.getpwuid(os.getuid()).pw_name}\nlistener {self.port} 127.0.0.1\n"
                    "allow_anonymous true\npersistence false\n")
        self.proc = None

    def start(self):
        with open(self.log, "ab") as log:
            self.proc = spawn([MOSQUITTO, "-c", self.conf], stdout=log, stderr=log)
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"mosquitto did not listen on {self.port}")

    def stop(self):
        stop(self.proc)


class Subscriber:
    """mosquitto_sub -V mqttv5 on passgate/#: everything the city would receive."""

    def __init__(self, tmp, broker, name="city"):
        self.path = os.path.join(tmp, name + ".mqtt")
        self.broker = broker
        with open(self.path, "wb") as out:
            self.proc = spawn(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port),
                               "-V", "mqttv5", "-q", "1", "-t", "passgate/#", "-v"],
                              stdout=out, stderr=subprocess.DEVNULL)
        # Live once a probe comes back.
        end = time.monotonic() + 10
        while time.monotonic() < end:
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-V",
                            "mqttv5", "-t", "passgate/probe", "-m", "probe"], check=False)
            time.sleep(0.2)
            if b"passgate/probe" in self.raw():
                return
        raise SystemExit("subscriber did not come up")

    def raw(self):
        with open(self.path, "rb") as f:
            return f.read()

    def events(self):
        got = []
        for line in self.raw().splitlines():
            topic, _, payload = line.partition(b" ")
            if topic.decode() == CHECK_TOPIC:
                got.append(json.loads(payload))
        return got

    def wait_events(self, n, timeout=20):
        return wait_until(lambda: len(self.events()) >= n and self.events(), timeout,
                          f"{n} events on the broker")

    def stop(self):
        stop(self.proc)


class Notify:
    """A datagram NOTIFY_SOCKET owned by the test: every message, with its arrival time."""

    def __init__(self, tmp):
        self.path = os.path.join(tmp, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.msgs = []
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                m = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.msgs.append((time.monotonic(), m))

    def since(self, t0):
        with self.lock:
            return [(t, m) for t, m in self.msgs if t >= t0]

    def lines(self, word, t0=0.0):
        return [(t, line) for t, m in self.since(t0) for line in m.split("\n")
                if line == word or line.startswith(word)]

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


class Kiosk:
    """Keys, cards, camera, config and a passgated process in one temporary directory."""

    def __init__(self, tmp, broker=None, **conf):
        self.tmp = tmp
        self.keys = os.path.join(tmp, "keys")
        self.stranger = os.path.join(tmp, "stranger")
        self.camera = os.path.join(tmp, "camera")
        self.state = os.path.join(tmp, "state")
        self.gpio_log = os.path.join(tmp, "gpio.log")
        self.printer = os.path.join(tmp, "receipts.bin")
        self.buttons = os.path.join(tmp, "buttons.fifo")
        self.conf_path = os.path.join(tmp, "passgated.conf")
        self.out = os.path.join(tmp, "daemon.out")
        self.err = os.path.join(tmp, "daemon.err")
        for d in (self.camera, self.state):
            os.makedirs(d, exist_ok=True)
        for d in (self.keys, self.stranger):
            subprocess.run([CLI, "issue-test", "keygen", "--dir", d], check=True,
                           stdout=subprocess.DEVNULL)
        self.broker = broker
        self.conf = dict(program="national-package", holdoff=5, passback=0, interval=0,
                         buttons=False)
        self.conf.update(conf)
        self.proc = None
        self.payloads = []

    def mint(self, name, fmt, *args, stranger=False, given=GIVEN):
        """A card as camera/<name>.png; its QR text is kept to check it leaks nowhere."""
        png = os.path.join(self.camera, name + ".png")
        p = subprocess.run([CLI, "issue-test", fmt, "--dir",
                            self.stranger if stranger else self.keys, "--family", FAMILY,
                            "--given", given, "--birth-date", BIRTH, *args, "--png", png],
                           check=True, capture_output=True, text=True)
        self.payloads.append(p.stdout.strip())
        return png

    def blanks(self, prefix, n):
        for i in range(n):
            blank_png(os.path.join(self.camera, f"{prefix}-{i:03d}.png"))

    def write_conf(self):
        c = self.conf
        text = f"""[venue]
id = {VENUE}
name = E2E venue
program = {c['program']}
{'mode = staff' if c['buttons'] else ''}
{'child_button_age = 5' if c['buttons'] else ''}
programs_dir = {SOURCE}/rules/programs
[camera]
source = dir:{self.camera}
dir_interval_ms = {c['interval']}
[gpio]
backend = sim
sim_log = {self.gpio_log}
{'sim_buttons = ' + self.buttons if c['buttons'] else ''}
[printer]
device = file:{self.printer}
[trust]
default = no
jwks = {ISSUER}={self.keys}/shc-issuer.jwks.json
cert = {self.keys}/dcc-signer.cert.pem
[scan]
repeat_holdoff_s = {c['holdoff']}
passback_window_s = {c['passback']}
[clock]
require_sync = no
[state]
dir = {self.state}
"""
        if self.broker:
            text += f"[mqtt]\nhost = 127.0.0.1\nport = {self.broker.port}\ncity = {CITY}\n" \
                    f"kiosk = {KIOSK}\nkeepalive = 5\nconnect_timeout_s = 2\n"
        with open(self.conf_path, "w") as f:
            f.write(text)

    def start(self, notify=None, watchdog_usec=None):
        self.write_conf()
        if self.conf["buttons"] and not os.path.exists(self.buttons):
            os.mkfifo(self.buttons)
        subprocess.run([PASSGATED, "--check-config", "--config", self.conf_path], check=True,
                       stdout=subprocess.DEVNULL)
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        env.pop("WATCHDOG_USEC", None)
        env.pop("WATCHDOG_PID", None)
        if notify:
            env["NOTIFY_SOCKET"] = notify.path
        if watchdog_usec:
            env["WATCHDOG_USEC"] = str(watchdog_usec)
        with open(self.out, "ab") as out, open(self.err, "ab") as err:
            # -v: the decision lines are debug messages (never in the journal of a real kiosk).
            self.proc = spawn([PASSGATED, "-v", "--config", self.conf_path], stdout=out,
                              stderr=err, env=env)

    def log(self):
        with open(self.err, "rb") as f:
            return f.read().decode(errors="replace")

    def decisions(self):
        """The daemon's decision log lines ("admit vaccinated (shc, national-package)")."""
        return re.findall(r"^<\d>((?:admit|deny) .*)$", self.log(), re.M)

    def wait_decisions(self, n, timeout=30):
        def enough():
            if self.proc.poll() is not None:
                raise SystemExit(f"passgated exited ({self.proc.returncode}):\n{self.log()}")
            return len(self.decisions()) >= n
        wait_until(enough, timeout, f"{n} decisions")

    def press(self, button):
        # The daemon keeps the FIFO open read-write: this open does not block.
        with open(self.buttons, "w") as f:
            f.write(button + "\n")

    def stop(self, sig=signal.SIGTERM):
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            rc = None
        took = time.monotonic() - t0
        if rc is None:
            stop(self.proc, signal.SIGKILL)
        return rc, took

    def lights(self):
        """[(µs, 'green'|'red')] for each light switched on, from the sim log."""
        out = []
        with open(self.gpio_log) as f:
            for line in f:
                t, name, v = line.split()
                if name in ("green", "red") and v == "1":
                    out.append((int(t), name))
        return out

    def events_stats(self):
        """`passgate events stats` as a dict ({} when it fails)."""
        p = subprocess.run([CLI, "events", "stats", "--state-dir", self.state],
                           capture_output=True, text=True)
        try:
            return json.loads(p.stdout) if p.returncode == 0 else {}
        except json.JSONDecodeError:
            return {}


def receipts(path):
    """The printer file as a list of receipts: each starts with ESC @ and ends with GS V."""
    with open(path, "rb") as f:
        data = f.read()
    starts = [m.start() for m in re.finditer(rb"\x1b@", data)]
    cuts = [m.end() for m in re.finditer(rb"\x1dVB\x03", data)]
    return data, starts, cuts


def check_events(events, expected, program):
    check(len(events) == len(expected),
          f"{len(expected)} cards -> {len(events)} events on the broker (exactly one each)")
    eids = [e["eid"] for e in events]
    check(len(set(eids)) == len(eids), "event ids are unique")
    check([int(x.split(":")[1]) for x in eids] == sorted(int(x.split(":")[1]) for x in eids),
          "events arrive in eid order")
    for ev, (name, decision, reasons, fmt) in zip(events, expected):
        got = (ev["decision"], ev["reasons"], ev["format"], ev["program"])
        check(got == (decision, reasons, fmt, program),
              f"{name}: {decision} {reasons} ({fmt}, {program}); got {got}")
        check(ev["v"] == 1 and ev["venue"] == VENUE and ev["eid"].startswith(KIOSK + ":") and
              isinstance(ev["slot"], int) and "time" not in ev,
              f"{name}: event envelope (v, venue, eid, slot; no exact time)")


def check_lights(k, decisions, what):
    want = ["green" if d == "admit" else "red" for d in decisions]
    got = [name for _, name in k.lights()]
    check(got == want, f"{what}: sim log lights in order {want}, got {got}")


def files_under(d):
    for root, _, files in os.walk(d):
        for f in files:
            yield os.path.join(root, f)


def personal_needles(k):
    """What must never leave the scan: names, birth date (two spellings), DCC certificate ids,
    and the raw QR texts."""
    needles = [FAMILY, GIVEN, BIRTH, BIRTH.replace("-", "")]
    for png in sorted(os.listdir(k.camera)):
        p = subprocess.run([CLI, "verify", "--no-default-trust", "--trust-cert",
                            f"{k.keys}/dcc-signer.cert.pem", "--image",
                            os.path.join(k.camera, png)], capture_output=True, text=True)
        try:
            ci = (json.loads(p.stdout).get("credential") or {}).get("ci")
        except json.JSONDecodeError:
            ci = None
        if ci:
            needles.append(ci)
    cis = [n for n in needles if n.startswith("URN:UVCI:")]
    # Long enough to be unambiguous, short enough to catch a truncated copy.
    needles += [t[:48] for t in k.payloads if len(t) >= 48]
    return needles, cis


def decoded_codes(data):
    """The JSON bodies of the PGR1:/PGB1: codes in @data (base64url), concatenated."""
    out = b""
    for m in re.finditer(rb"PG[RB]1:([A-Za-z0-9_-]+)\.", data):
        body = m.group(1)
        if len(body) % 4 != 1:
            out += base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))
    return out


def check_privacy(k, places):
    needles, cis = personal_needles(k)
    check(len(cis) > 0, f"the DCC certificate id was found to look for ({cis[:1]})")

    def hits_in(path):
        with open(path, "rb") as f:
            data = f.read()
        # The receipt and booking codes (docs/codes.md) are searched decoded as well.
        return [n for n in needles if n.lower().encode() in
                (data + decoded_codes(data)).lower()], len(data)

    # The scanner itself: what `passgate verify` prints of a DCC holds every one of them.
    control = os.path.join(k.tmp, "control.json")
    dcc = sorted(f for f in os.listdir(k.camera) if "visitor" in f)[0]
    with open(control, "w") as f:
        subprocess.run([CLI, "verify", "--no-default-trust", "--trust-cert",
                        f"{k.keys}/dcc-signer.cert.pem", "--image",
                        os.path.join(k.camera, dcc)], stdout=f)
    found, _ = hits_in(control)
    check(set(found) >= {FAMILY, GIVEN, BIRTH, cis[0]} if cis else False,
          f"control: the scan finds name, birth date and certificate id in verify's output")
    for label, path in places:
        hits, size = hits_in(path)
        check(not hits, f"no personal data in {label} ({os.path.basename(path)}, "
              f"{size} bytes){': found ' + repr(hits) if hits else ''}")


# ---------------------------------------------------------------------------------------------

def test_e2e(tmp):
    broker = Broker(tmp)
    broker.start()
    city = Subscriber(tmp, broker)
    k = Kiosk(tmp, broker)
    cards = [  # name, format, issue-test options, decision, reasons, unknown signer
        ("01-two-doses", "shc", ["--vaccination", day(-120), "--vaccination", day(-90)],
         "admit", ["vaccinated"]),
        ("02-one-dose", "shc", ["--vaccination", day(-60)], "deny", ["vaccination-incomplete"]),
        ("03-dose2-last-week", "shc", ["--vaccination", day(-40), "--vaccination", day(-7)],
         "deny", ["vaccination-too-recent"]),
        ("04-pcr-negative", "shc", ["--test", f"pcr,{stamp(-20)},negative"], "admit",
         ["tested-negative"]),
        ("05-visitor", "dcc", ["--vaccination", day(-200), "--vaccination", day(-170)], "admit",
         ["vaccinated"]),
        ("06-antigen-positive", "dcc", ["--test", f"antigen-rapid,{stamp(-3)},positive"],
         "deny", ["test-positive"]),
        ("07-unknown-signer", "shc", ["--vaccination", day(-120), "--vaccination", day(-90)],
         "deny", ["issuer-unknown"]),
        ("08-antigen-3-days-old", "shc", ["--test", f"antigen-rapid,{stamp(-72)},negative"],
         "deny", ["test-expired"]),
        ("09-expired", "dcc", ["--vaccination", day(-200), "--vaccination", day(-170), "--exp",
                               stamp(-24)], "deny", ["credential-expired"]),
        ("10-not-yet-valid", "shc", ["--vaccination", day(-200), "--vaccination", day(-170),
                                     "--nbf", stamp(48)], "deny", ["credential-not-yet-valid"]),
        ("11-visitor-pcr", "dcc", ["--test", f"pcr,{stamp(-10)},negative"], "admit",
         ["tested-negative"]),
    ]
    for name, fmt, args, _, _ in cards:
        k.mint(name, fmt, *args, stranger=name == "07-unknown-signer")
    k.start()
    k.wait_decisions(len(cards))
    events = city.wait_events(len(cards))
    time.sleep(0.7)  # a stray second event or receipt would show up by now
    events = city.events()
    # The state directory while the daemon runs: the outbox's -wal and -shm are there now.
    live = os.path.join(tmp, "state-live")
    shutil.copytree(k.state, live)
    live_files = sorted(os.path.basename(f) for f in files_under(live))
    check("outbox.db-wal" in live_files and "outbox.db-shm" in live_files,
          f"while running, the state dir holds the outbox WAL files ({live_files})")
    rc, took = k.stop()
    check(rc == 0, f"SIGTERM: exit 0 ({took * 1000:.0f} ms)")

    expected = [(n, d, r, f) for n, f, _, d, r in cards]
    check_events(events, expected, "national-package")
    kinds = [None if r[0] in ("issuer-unknown", "credential-expired", "credential-not-yet-valid")
             else "test" if "--test" in a else "vaccination" for _, _, a, _, r in cards]
    check([e["kind"] for e in events] == kinds, f"event kinds {kinds}")
    check(len(k.decisions()) == len(cards), f"the daemon logged {len(cards)} decisions")
    check_lights(k, [d for _, _, _, d, _ in cards], "one light per card")

    data, starts, cuts = receipts(k.printer)
    check(len(starts) == len(cards) and len(cuts) == len(cards),
          f"one receipt per card: {len(starts)} ESC @, {len(cuts)} cuts for {len(cards)} cards")
    check(data.startswith(b"\x1b@") and data.endswith(b"\x1dVB\x03") and
          all(s < c for s, c in zip(starts, cuts)) and
          all(c <= s for c, s in zip(cuts, starts[1:])),
          "receipts are whole: ESC @ ... GS V, one after another")
    jobs = [data[s:c] for s, c in zip(starts, cuts)]
    pos = [i for i, c in enumerate(cards) if c[0] == "06-antigen-positive"][0]
    referral = "受診・相談センター".encode("cp932")
    check(len(jobs) > pos and referral in jobs[pos],
          "the positive test's receipt carries the referral text (受診・相談センター)")
    check(sum(referral in j for j in jobs) == 1, "only that receipt carries the referral")
    name_on_paper = [n for n in (FAMILY, GIVEN, BIRTH) if n.encode() in data]
    check(not name_on_paper, f"self mode: no name or birth date on the receipts {name_on_paper}")
    admits = sum(1 for c in cards if c[3] == "admit")
    codes = re.findall(rb"PGR1:[A-Za-z0-9_.-]+", data)
    check(len(codes) == admits,
          f"every admit receipt carries a receipt code ({len(codes)} codes, {admits} admits)")

    places = [("the MQTT traffic", city.path), ("the sim log", k.gpio_log),
              ("the daemon's stderr", k.err), ("the daemon's stdout", k.out),
              ("the receipts", k.printer)]
    state_files = sorted(files_under(k.state))
    check(any(f.endswith("outbox.db") for f in state_files), f"state files: {state_files}")
    places += [("the state dir", f) for f in state_files]
    places += [("the state dir while running", f) for f in sorted(files_under(live))]
    check_privacy(k, places)
    city.stop()
    broker.stop()


def test_holdoff(tmp):
    broker = Broker(tmp)
    broker.start()
    city = Subscriber(tmp, broker)
    k = Kiosk(tmp, broker, holdoff=1, passback=3600, interval=50)
    admit = k.mint("a-admit-00", "shc", "--vaccination", day(-120), "--vaccination", day(-90))
    for i in range(1, 30):
        shutil.copy(admit, os.path.join(k.camera, f"a-admit-{i:02d}.png"))
    # Another holder: pass-back is keyed on who a card is for, so the admitted holder's second
    # card would be `already-checked-in` whatever it says.
    deny = k.mint("b-deny-00", "shc", "--vaccination", day(-60), given=GIVEN + "two")
    for i in range(1, 5):
        shutil.copy(deny, os.path.join(k.camera, f"b-deny-{i:02d}.png"))
    k.blanks("c-nobody", 30)  # 1.5 s with nobody in front of the camera
    shutil.copy(admit, os.path.join(k.camera, "d-admit-again.png"))
    shutil.copy(deny, os.path.join(k.camera, "e-deny-again.png"))
    # The admitted holder's other card, another QR text altogether (a DCC): still pass-back.
    k.mint("f-admit-as-dcc", "dcc", "--vaccination", day(-120), "--vaccination", day(-90))
    k.start()
    k.wait_decisions(5)
    events = city.wait_events(5)
    time.sleep(0.5)
    events = city.events()
    rc, _ = k.stop()
    check(rc == 0, "SIGTERM: exit 0")
    expected = [("30 frames of the admitted card", "admit", ["vaccinated"], "shc"),
                ("5 frames of the denied card", "deny", ["vaccination-incomplete"], "shc"),
                ("the admitted card after the hold-off", "deny", ["already-checked-in"], "shc"),
                ("the denied card after the hold-off", "deny", ["vaccination-incomplete"],
                 "shc"),
                ("the admitted holder's DCC", "deny", ["already-checked-in"], "dcc")]
    check_events(events, expected, "national-package")
    lights = k.lights()
    check_lights(k, [d for _, d, _, _ in expected], "hold-off")
    if len(lights) == 5:
        # 30 frames at >= 50 ms each: the hold-off really held a code in view for > 1 s.
        gap = (lights[1][0] - lights[0][0]) / 1e6
        check(gap >= 30 * 0.05 * 0.95, f"the 30 frames took {gap:.2f} s (>= 1.4 s: paced)")
        later = (lights[2][0] - lights[1][0]) / 1e6
        check(later > 1.0, f"the card came back {later:.2f} s later (> repeat_holdoff_s = 1)")
    city.stop()
    broker.stop()


def test_signals(tmp):
    broker = Broker(tmp)
    broker.start()
    city = Subscriber(tmp, broker)
    notify = Notify(tmp)
    k = Kiosk(tmp, broker, buttons=True)
    k.mint("01-two-doses", "shc", "--vaccination", day(-120), "--vaccination", day(-90))
    k.mint("02-one-dose", "dcc", "--vaccination", day(-60))
    t_start = time.monotonic()
    k.start(notify, watchdog_usec=WATCHDOG_USEC)
    wait_until(lambda: notify.lines("READY=1"), 5, "READY=1")
    t_ready = notify.lines("READY=1")[0][0]
    print(f"start to READY=1: {(t_ready - t_start) * 1000:.0f} ms (information only)")
    k.wait_decisions(2)
    city.wait_events(2)
    check([e["decision"] for e in city.events()] == ["admit", "deny"],
          "the camera's two cards: admit, deny, delivered")
    status = [m for _, m in notify.lines("STATUS=")]
    check(any("STATUS=2 scans: 1 admitted, 1 denied, 0 revised by group policy; uplink " in m for m in status),
          f"STATUS reports the scans ({status[-1] if status else None})")

    # SIGHUP: another program applies to the next decision.
    k.conf["program"] = "sapporo-pass-code"
    k.write_conf()
    t_hup = time.monotonic()
    k.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: notify.lines("READY=1", t_hup), 5, "READY=1 after SIGHUP")
    check(notify.lines("RELOADING=1", t_hup), "SIGHUP: RELOADING=1 then READY=1")
    check("reloaded: program sapporo-pass-code, loaded" in k.log(),
          "SIGHUP: 'reloaded: program sapporo-pass-code, loaded' logged")
    k.press("staff")
    k.wait_decisions(3)
    ev = city.wait_events(3)[2]
    check(ev["eid"] == f"{KIOSK}:3" and ev["kiosk"] == KIOSK,
          f"after the reload the event still names the kiosk ({ev['eid']}; a dangling pointer "
          "into the freed old configuration once put garbage here)")
    check((ev["program"], ev["decision"], ev["reasons"]) ==
          ("sapporo-pass-code", "admit", ["staff-verified"]),
          f"the next decision is under sapporo-pass-code ({ev['program']} {ev['decision']})")

    # Broker down: the next decisions wait in the outbox, and SIGTERM keeps them. (The child is
    # denied program-inactive: sapporo-pass-code ran 2021-12-06..2022-03-31.)
    broker.stop()
    time.sleep(0.3)
    k.press("staff")
    k.press("child")
    k.wait_decisions(5)
    time.sleep(0.3)
    status = [m for _, m in notify.lines("STATUS=")]
    check(status and status[-1].startswith(
        "STATUS=5 scans: 3 admitted, 2 denied, 0 revised by group policy; uplink disconnected, "
        "2 event(s) waiting"),
        f"STATUS: the broker is gone and two events wait ({status[-1] if status else None})")
    t_wd = time.monotonic() - t_ready
    pings = notify.lines("WATCHDOG=1", t_ready)
    # Every 200 ms (half of WATCHDOG_USEC) while iterating; half of that is a safe floor.
    half = WATCHDOG_USEC / 2e6
    check(len(pings) >= max(2, int(t_wd / half / 2)),
          f"WATCHDOG=1 pinged {len(pings)} times in {t_wd:.1f} s with the kiosk running")
    gaps = [b[0] - a[0] for a, b in zip(pings, pings[1:])]
    check(gaps and max(gaps) < WATCHDOG_USEC / 1e6, f"no gap between pings reaches WATCHDOG_USEC "
          f"(longest {max(gaps) * 1000 if gaps else 0:.0f} ms)")
    rc, took = k.stop()
    check(rc == 0 and took < 2, f"SIGTERM with the broker down: exit 0 within 2 s "
          f"({took * 1000:.0f} ms, rc {rc})")
    check("<6>stopped" in k.log(), "the stop is logged")
    stats = k.events_stats()
    check(stats.get("pending") == 2 and stats.get("next_seq") == 6 and stats.get("lost") == 0,
          f"passgate events stats: the two decisions made while the broker was down are "
          f"pending ({stats})")
    n_before = len(city.events())
    check(n_before == 3, f"nothing more reached the city meanwhile ({n_before})")

    # Restart with the broker up (the camera folder emptied: no new scans): they arrive.
    for f in os.listdir(k.camera):
        os.unlink(os.path.join(k.camera, f))
    city.stop()
    broker.start()
    city2 = Subscriber(tmp, broker, "city2")
    k.start(notify, watchdog_usec=WATCHDOG_USEC)
    evs = city2.wait_events(2)
    time.sleep(0.5)
    evs = city2.events()
    got = [(e["decision"], e["reasons"], e["program"]) for e in evs]
    check(got == [("admit", ["staff-verified"], "sapporo-pass-code"),
                  ("deny", ["program-inactive"], "sapporo-pass-code")],
          f"after the restart the two waiting events are delivered ({got})")
    eids = [int(e["eid"].split(":")[1]) for e in evs]
    check(eids == [4, 5], f"with their original eids ({eids})")
    wait_until(lambda: k.events_stats().get("pending") == 0, 5, "the outbox to drain")
    rc, _ = k.stop()
    check(rc == 0, "second run: SIGTERM exit 0")
    city2.stop()
    broker.stop()
    notify.close()


def test_buttons(tmp):
    broker = Broker(tmp)
    broker.start()
    city = Subscriber(tmp, broker)
    k = Kiosk(tmp, broker, buttons=True, interval=100)
    # 3 s with nobody in view, then an adult: the buttons below come first.
    k.blanks("a-nobody", 30)
    k.mint("b-adult", "shc", "--vaccination", day(-120), "--vaccination", day(-90))
    k.start()
    k.press("child")  # no adult admitted in this session (there is none yet)
    k.wait_decisions(1)
    k.press("staff")
    k.wait_decisions(2)
    check(not any("vaccinated" in d for d in k.decisions()),
          "the buttons were judged before the adult came into view")
    k.wait_decisions(3)
    k.press("child")  # right after the admitted adult: the same session
    k.wait_decisions(4)
    events = city.wait_events(4)
    time.sleep(0.5)
    events = city.events()
    rc, _ = k.stop()
    check(rc == 0, "SIGTERM: exit 0")
    expected = [("child button, no adult in the session", "deny", ["child-test-required"], None),
                ("staff button", "admit", ["staff-verified"], None),
                ("adult card", "admit", ["vaccinated"], "shc"),
                ("child button after the adult", "admit", ["child-exempt"], None)]
    check_events(events, expected, "national-package")
    check_lights(k, [d for _, d, _, _ in expected], "buttons")
    check("child button" in k.log() and "staff button" in k.log(), "button presses are logged")
    _, starts, cuts = receipts(k.printer)
    check(len(starts) == 4 and len(cuts) == 4, f"one receipt per decision ({len(starts)})")
    city.stop()
    broker.stop()


def main():
    tmp = tempfile.mkdtemp(prefix=f"passgate-e2e-{MODE}-")
    t0 = time.monotonic()
    try:
        {"e2e": test_e2e, "holdoff": test_holdoff, "signals": test_signals,
         "buttons": test_buttons}[MODE](tmp)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if failures and os.path.exists(os.path.join(tmp, "daemon.err")):
            with open(os.path.join(tmp, "daemon.err"), errors="replace") as f:
                sys.stderr.write("---- passgated stderr ----\n" + f.read())
        if os.environ.get("PASSGATE_KEEP_TMP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{MODE}: {failures} failure(s) in {time.monotonic() - t0:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
