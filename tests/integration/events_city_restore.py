#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""events_city_restore.py - the real passgated restarted with the city's last alert in its state
directory and the broker unreachable: the stored alert is verified and applied at start, before
the uplink has connected (it never can here), and a stored file that no longer verifies is
ignored and reported (docs/events.md "Kept across restarts").
Usage: events_city_restore.py PATH/TO/passgated PATH/TO/city_sign"""
import os
import signal
import socket
import subprocess
import sys
import tempfile

BIN, SIGN = sys.argv[1], sys.argv[2]
SEED = "42" * 32
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)
    else:
        print("ok:", what)


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there: the uplink keeps failing to connect
    return port


def run_daemon(conf, tmp):
    """Start passgated, wait for READY=1, stop it; its log (stderr)."""
    sock_path = os.path.join(tmp, "notify")
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(5)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path)
    env.pop("WATCHDOG_USEC", None)
    d = subprocess.Popen([BIN, "--config", conf], env=env, stderr=subprocess.PIPE, text=True)
    ready = False
    try:
        while not ready:
            ready = "READY=1" in sock.recv(4096).decode().split("\n")
    except socket.timeout:
        pass
    d.send_signal(signal.SIGTERM)
    try:
        d.wait(timeout=5)
    except subprocess.TimeoutExpired:
        d.kill()
        d.wait()
    sock.close()
    check(ready, "READY=1 received")
    return d.stderr.read()


def main():
    tmp = tempfile.mkdtemp(prefix="passgate-cityrestore-")
    src = os.environ["PASSGATE_SOURCE_DIR"]
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    os.mkdir(os.path.join(tmp, "camera"))
    stored = os.path.join(state, "city-alert.signed")
    topic = "passgate/v1/testcity/venue/test-venue/alert"
    body = '{"level":4,"restrictions":["emergency"]}'
    p = subprocess.run([SIGN, SEED, topic, "1000", body, stored], capture_output=True, text=True)
    check(p.returncode == 0, "city_sign")
    city_key = p.stdout.strip()
    conf = os.path.join(tmp, "kiosk.conf")
    with open(conf, "w") as f:
        f.write(f"[venue]\nid = test-venue\nprogram = nagano-shinshu-wari\n"
                f"programs_dir = {src}/rules/programs\n"
                f"[camera]\nsource = dir:{tmp}/camera\n[gpio]\nbackend = sim\n"
                f"[clock]\nrequire_sync = no\n[state]\ndir = {state}\n"
                f"[mqtt]\nhost = 127.0.0.1\nport = {closed_port()}\ncity = testcity\n"
                f"kiosk = k1\ncity_key = {city_key}\n")

    err = run_daemon(conf, tmp)
    lines = err.splitlines()
    restored = [i for i, ln in enumerate(lines)
                if "city update restored from the state directory: alert level" in ln]
    applied = [i for i, ln in enumerate(lines) if "alert level 4, restrictions emergency" in ln]
    check(restored and applied, f"the stored alert is restored and applied at start ({err!r})")
    check(not any("connected" in ln and "disconnected" not in ln for ln in lines),
          "no broker connection was ever made")

    # One flipped byte in the body: ignored and reported, the alert is not applied.
    with open(stored, "r+b") as f:
        data = bytearray(f.read())
        data[-5] ^= 1
        f.seek(0)
        f.write(data)
    err = run_daemon(conf, tmp)
    check("alert level 4" not in err, "a tampered stored alert is not applied")
    check(f"stored city update {stored} ignored" in err,
          f"a tampered stored alert is reported ({err!r})")
    subprocess.run(["rm", "-rf", tmp])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
