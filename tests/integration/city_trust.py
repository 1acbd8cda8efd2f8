#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""city_trust.py - issue 11 acceptance 5: the city's trust list and revocations reach a running
kiosk (docs/trust-updates.md).

    city_trust.py PASSGATED MOSQUITTO PASSGATE_CITY

The real passgated with a dir: camera, simulated GPIO and a real mosquitto on a free loopback
port. Four cards, each shown three times with empty frames between:
  X  a DCC of signer S2, which only the city trusts (update 1) and then drops (update 2)
  Y  a DCC of the configured signer S1, whose UCI update 2 revokes (DCC revocation list)
  Z  an SHC of issuer I2, which only the city trusts, whose rid update 2 revokes (SHC CRL)
  W  a DCC of S1 that nobody revokes: the control, admitted throughout
Both updates are made by the real `passgate-city publish trust` (after `passgate-city init`).
Update 1 is taken from the broker's retained copy and put in the kiosk's state directory before
it starts (restored, as after an earlier run), so that the first round is judged under it for
sure: it admits all four. Update 2 is published while the kiosk runs: the second round denies X
issuer-unknown, Y and Z revoked, admits W, without a restart. SIGHUP: the third round the same.
Then the broker is stopped and passgated restarted: the first round the same again (the city's last
trust restored from the state directory). The revocation hash of Y's UCI is computed here with
Python's hashlib, independently of the C code on both sides.
"""
import base64
import hashlib
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
import time
import zlib

PASSGATED, MOSQUITTO, CITYCLI = sys.argv[1], sys.argv[2], sys.argv[3]
CLI = os.environ["PASSGATE_CLI"]
SOURCE = os.environ["PASSGATE_SOURCE_DIR"]
CITY, VENUE, KIOSK = "trustcity", "trust-venue", "door-1"
TOPIC = f"passgate/v1/{CITY}/trust"
ISS1, ISS2 = "https://issuer.passgate.test", "https://city-issuer.passgate.test"
RID = "cmV2b2tlZA"
CI_Y, CI_W = "URN:UVCI:01:JP:REVOKED-Y", "URN:UVCI:01:JP:FINE-W"
# An EU DSC list as the city imports it: four real DSCs of the EU list (the whole list takes
# seconds under the sanitizers; `passgate trust import --dsc-list` and the unit tests read it).
DSC_LIST = os.path.join(SOURCE, "tests", "golden", "trust", "dsc-list-sample.json")
INTERVAL_MS, GAP = 200, 20  # empty frames between rounds: 4 s for an update or a SIGHUP
procs, failures = [], 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
    print("ok:" if cond else "FAIL:", what, file=sys.stdout if cond else sys.stderr)
    return cond


def spawn(args, **kw):
    p = subprocess.Popen(args, **kw)
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM):
    if p and p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def wait_until(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    raise SystemExit(f"timed out after {timeout} s waiting for {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def blank_png(path, size=64):
    raw = b"".join(b"\0" + b"\xff" * size for _ in range(size))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def hash16(data):
    return base64.b64encode(hashlib.sha256(data).digest()[:16]).decode()


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def city(conf, *args):
    p = subprocess.run([CITYCLI, "--config", conf, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"passgate-city {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return json.loads(p.stdout)


def inputs(tmp, k1, k2):
    """The city's input files: I2's key set with crlVersion 1 (so that a CRL of ctr 1 applies),
    I2's CRL naming Z's rid (by kid only: the city finds the issuer), a DCC revocation batch
    with the UCI hash of Y."""
    with open(os.path.join(k2, "shc-issuer.jwks.json")) as f:
        jwks = json.load(f)
    for k in jwks["keys"]:
        k["crlVersion"] = 1
    return (write_json(os.path.join(tmp, "i2.jwks.json"), jwks),
            write_json(os.path.join(tmp, "i2.crl.json"),
                       {"kid": jwks["keys"][0]["kid"], "method": "rid", "ctr": 1,
                        "rids": [RID]}),
            write_json(os.path.join(tmp, "revoked.json"),
                       {"country": "JP", "expires": "2030-01-01T00:00:00Z",
                        "kid": "UNKNOWN_KID", "hashType": "UCI",
                        "entries": [{"hash": hash16(CI_Y.encode())}]}))


def decisions(err_path):
    with open(err_path, "rb") as f:
        log = f.read().decode(errors="replace")
    return re.findall(r"^<\d>((?:admit|deny) \S+)", log, re.M), log


def start_daemon(conf, err_path):
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    with open(err_path, "ab") as err:
        return spawn([PASSGATED, "-v", "--config", conf], stdout=subprocess.DEVNULL,
                     stderr=err, env=env)


def wait_decisions(d, err_path, n):
    def enough():
        if d.poll() is not None:
            raise SystemExit(f"passgated exited:\n{decisions(err_path)[1]}")
        return len(decisions(err_path)[0]) >= n
    wait_until(enough, 60, f"{n} decisions")


ADMIT_ALL = ["admit vaccinated"] * 4
AFTER = ["deny issuer-unknown", "deny revoked", "deny revoked", "admit vaccinated"]


def setup(tmp):
    k1, k2 = os.path.join(tmp, "keys1"), os.path.join(tmp, "keys2")
    camera, state = os.path.join(tmp, "camera"), os.path.join(tmp, "state")
    for d in (k1, k2, camera, state):
        os.makedirs(d)
    for d in (k1, k2):
        subprocess.run([CLI, "issue-test", "keygen", "--dir", d], check=True,
                       stdout=subprocess.DEVNULL)
    cards = [("x", "dcc", k2, []), ("y", "dcc", k1, ["--id", CI_Y]),
             ("z", "shc", k2, ["--issuer", ISS2, "--id", RID]), ("w", "dcc", k1, ["--id", CI_W])]
    frames = [f"00-{i:02d}" for i in range(4)]
    for rnd in "ace":
        frames += [f"{rnd}{i}-{c[0]}" for i, c in enumerate(cards)]
        frames += [f"{chr(ord(rnd) + 1)}-{i:02d}" for i in range(GAP)]
    for name, fmt, keys, opts in cards:  # each card once, then shown in every round
        subprocess.run([CLI, "issue-test", fmt, "--dir", keys, "--vaccination", "2023-01-01",
                        "--vaccination", "2023-03-01", *opts, "--png",
                        os.path.join(tmp, name + ".png")], check=True, stdout=subprocess.DEVNULL)
    for name in frames:
        path = os.path.join(camera, name + ".png")
        card = name.split("-")[1] if name[0] in "ace" else None
        if card:
            shutil.copy(os.path.join(tmp, card + ".png"), path)
        else:
            blank_png(path)
    return k1, k2, camera, state


def start_broker(tmp):
    port = free_port()
    bconf = os.path.join(tmp, "mosquitto.conf")
    with open(bconf, "w") as f:
        f.write(f"user {pwd.getpwuid(os.getuid()).pw_name}\nlistener {port} 127.0.0.1\n"
                "allow_anonymous true\npersistence false\n")
    broker = spawn([MOSQUITTO, "-c", bconf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 10, "broker")
    return broker, port


def city_update1(tmp, port, k2, jwks2, state):
    """init, then update 1 (I2 and S2) published and kept as the kiosk's stored update."""
    cconf = os.path.join(tmp, "city.conf")
    with open(cconf, "w") as f:
        f.write(f"[city]\nid = {CITY}\nstate_dir = {tmp}/city-state\n"
                f"[mqtt]\nhost = 127.0.0.1\nport = {port}\nclient_id = city-trust\n")
    city_key = city(cconf, "init")["city_key"]
    # A registered kiosk's receipt key travels in every trust update (consecutive stays).
    receipt_key = base64.b64encode(os.urandom(32)).decode()
    city(cconf, "kiosk", "add", "--venue", "hotel-r", "--kiosk", "kr", "--pubkey",
         base64.b64encode(os.urandom(32)).decode(), "--receipt-key", receipt_key)
    out = city(cconf, "publish", "trust", "--jwks", f"{ISS2}={jwks2}",
               "--cert", os.path.join(k2, "dcc-signer.cert.pem"))
    check((out["topic"], out["jwks"], out["certs"], out["crls"], out["receipt_keys"]) ==
          (TOPIC, 1, 1, 0, 1), f"publish trust (update 1): {out}")
    # Update 1 as the kiosk would have kept it from an earlier run: the retained message.
    p = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", TOPIC,
                        "-C", "1", "-N", "-W", "5"], capture_output=True, check=True)
    check(receipt_key.encode() in p.stdout and b'"kr"' in p.stdout,
          "the signed trust update carries the registered kiosk's receipt key")
    with open(os.path.join(state, "city-trust.signed"), "wb") as f:
        f.write(p.stdout)
    return cconf, city_key


def kiosk_conf(tmp, k1, camera, state, port, city_key):
    conf = os.path.join(tmp, "passgated.conf")
    with open(conf, "w") as f:
        f.write(f"[venue]\nid = {VENUE}\nprogram = national-package\n"
                f"programs_dir = {SOURCE}/rules/programs\n"
                f"[camera]\nsource = dir:{camera}\ndir_interval_ms = {INTERVAL_MS}\n"
                f"[gpio]\nbackend = sim\n[printer]\ndevice = none\n"
                f"[trust]\ndefault = no\njwks = {ISS1}={k1}/shc-issuer.jwks.json\n"
                f"cert = {k1}/dcc-signer.cert.pem\n"
                f"[scan]\nrepeat_holdoff_s = 1\npassback_window_s = 0\n"
                f"[clock]\nrequire_sync = no\n[state]\ndir = {state}\n"
                f"[mqtt]\nhost = 127.0.0.1\nport = {port}\ncity = {CITY}\n"
                f"kiosk = {KIOSK}\ncity_key = {city_key}\nkeepalive = 5\n"
                f"connect_timeout_s = 2\n")
    return conf


def refuse_bad_dsc_list(tmp, cconf):
    """A DSC list with one changed kid: refused by the city, with the entry; nothing sent."""
    with open(DSC_LIST) as f:
        bad = json.load(f)
    bad["certificates"][3]["kid"] = "AAAAAAAAAAA="
    p = subprocess.run([CITYCLI, "--config", cconf, "publish", "trust", "--dsc-list",
                        write_json(os.path.join(tmp, "bad-dsc.json"), bad)],
                       capture_output=True, text=True)
    check(p.returncode == 1 and "certificate 3: kid is not" in p.stderr,
          f"a tampered DSC list is refused by publish trust ({p.returncode}, {p.stderr!r})")


def running_kiosk(d, err, cconf, jwks2, crl2, revoked):
    """Rounds 1-3: update 1, update 2 published while running, SIGHUP."""
    wait_decisions(d, err, 4)
    got, log = decisions(err)
    check("city update restored from the state directory: trust list" in log,
          "update 1 restored from the state directory at start")
    check(got[:4] == ADMIT_ALL, f"round 1 under update 1 admits X, Y, Z, W: {got[:4]}")

    # Update 2: the city's whole list again, without S2, with the two revocations and the
    # DSCs of an EU DSC list.
    t0 = time.monotonic()
    out = city(cconf, "publish", "trust", "--jwks", f"{ISS2}={jwks2}", "--crl", crl2,
               "--dcc-revocation", revoked, "--dsc-list", DSC_LIST)
    check((out["jwks"], out["certs"], out["crls"], out["dcc_revocations"]) == (1, 4, 1, 1),
          f"publish trust (update 2): {out}")
    wait_until(lambda: decisions(err)[1].count("city update accepted: trust list") >= 1,
               10, "update 2 accepted")
    print(f"update 2 applied {time.monotonic() - t0:.2f} s after publish trust started")
    wait_decisions(d, err, 8)
    got, log = decisions(err)
    check(got[4:8] == AFTER, f"round 2, after update 2, no restart: {got[4:8]}")

    d.send_signal(signal.SIGHUP)
    wait_until(lambda: "reloaded:" in decisions(err)[1], 10, "the reload")
    wait_decisions(d, err, 12)
    got, log = decisions(err)
    check(got[8:12] == AFTER, f"round 3, after SIGHUP: {got[8:12]}")
    check("could not be applied again" not in log, "SIGHUP re-applied the city's trust")


def main():
    tmp = tempfile.mkdtemp(prefix="passgate-citytrust-")
    try:
        k1, k2, camera, state = setup(tmp)
        jwks2, crl2, revoked = inputs(tmp, k1, k2)
        broker, port = start_broker(tmp)
        cconf, city_key = city_update1(tmp, port, k2, jwks2, state)
        refuse_bad_dsc_list(tmp, cconf)
        conf = kiosk_conf(tmp, k1, camera, state, port, city_key)
        err = os.path.join(tmp, "daemon.err")
        d = start_daemon(conf, err)
        running_kiosk(d, err, cconf, jwks2, crl2, revoked)
        stop(d)

        # A restart with the broker gone: only the state directory can give the city's trust.
        stop(broker)
        err2 = os.path.join(tmp, "daemon2.err")
        d = start_daemon(conf, err2)
        wait_decisions(d, err2, 4)  # the first round is enough: the camera replays them all
        got, log = decisions(err2)
        check("city update restored from the state directory: trust list" in log,
              "update 2 restored from the state directory")
        check(got[:4] == AFTER, f"after a restart without the broker: {got[:4]}")
        stop(d)
    finally:
        for p in procs:
            stop(p, signal.SIGKILL)
        if os.environ.get("PASSGATE_KEEP_TMP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
