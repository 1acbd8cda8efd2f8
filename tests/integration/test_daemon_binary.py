#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_daemon_binary.py - the real passgated binary: --version, --check-config exit codes and
messages, and a run under a fake service manager (a datagram NOTIFY_SOCKET owned by this test):
READY=1 with STATUS, WATCHDOG=1 at a small WATCHDOG_USEC, SIGHUP -> RELOADING=1 then READY=1 (a
bad new file is refused and the daemon goes on), SIGTERM -> exit 0 within 2 s (a bound, not a
benchmark). Usage: test_daemon_binary.py PATH/TO/passgated"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)
    else:
        print("ok:", what)


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=10)


def main():
    tmp = tempfile.mkdtemp(prefix="passgate-daemon-")
    good = os.path.join(tmp, "good.conf")
    bad = os.path.join(tmp, "bad.conf")
    src = os.environ["PASSGATE_SOURCE_DIR"]
    os.mkdir(os.path.join(tmp, "camera"))
    os.mkdir(os.path.join(tmp, "state"))
    with open(good, "w") as f:
        f.write(f"[venue]\nid = test-venue\nprograms_dir = {src}/rules/programs\n"
                f"[camera]\nsource = dir:{tmp}/camera\n[gpio]\nbackend = sim\n"
                f"[clock]\nrequire_sync = no\n[state]\ndir = {tmp}/state\n")
    with open(bad, "w") as f:
        f.write("[venue]\nid = test-venue\n\n[scan]\nrepeat_holdoff_s = soon\n")

    p = run("--version")
    check(p.returncode == 0 and p.stdout.startswith("passgated "), "--version")
    p = run("--check-config", "--config", good)
    check(p.returncode == 0, "--check-config on a valid file exits 0")
    p = run("--check-config", "--config", bad)
    want = f"{bad}:5: [scan] repeat_holdoff_s: expected an integer in 1..3600, got 'soon'\n"
    check(p.returncode == 1 and p.stderr == want,
          f"--check-config on a bad file exits 1 with file:line: reason ({p.stderr!r})")
    p = run("--check-config", "--config", os.path.join(tmp, "missing.conf"))
    check(p.returncode == 1 and "No such file" in p.stderr, "--check-config on a missing file")
    # Issue 9, finding 15: the check runs start-up's checks; a misspelt program denies every
    # scan and a state directory that is a file stops the daemon.
    misspelt = os.path.join(tmp, "misspelt.conf")
    with open(good) as f, open(misspelt, "w") as g:
        g.write(f.read().replace("id = test-venue\n", "id = test-venue\nprogram = natonal\n"))
    p = run("--check-config", "--config", misspelt)
    check(p.returncode == 1 and "[venue] program 'natonal' is not in" in p.stderr,
          f"--check-config refuses a misspelt program ({p.stderr!r})")
    statefile = os.path.join(tmp, "statefile.conf")
    open(os.path.join(tmp, "state-file"), "w").close()
    with open(good) as f, open(statefile, "w") as g:
        g.write(f.read().replace(f"dir = {tmp}/state", f"dir = {tmp}/state-file"))
    p = run("--check-config", "--config", statefile)
    check(p.returncode == 1 and "state-file: not a directory" in p.stderr,
          f"--check-config refuses a state directory that is a file ({p.stderr!r})")
    p = run("--config", statefile)
    check(p.returncode == 1 and "state-file: not a directory" in p.stderr,
          "start-up refuses it with the same message")
    p = run("--no-such-option")
    check(p.returncode == 2, "an unknown option exits 2")
    p = run("--config", bad)
    check(p.returncode == 1 and f"<3>{bad}:5:" in p.stderr, "a bad config stops startup")

    sock_path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(5)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="200000")
    env.pop("WATCHDOG_PID", None)
    start = time.monotonic()
    d = subprocess.Popen([BIN, "--config", good], env=env, stderr=subprocess.PIPE, text=True)

    def wait_for(word):
        deadline = time.monotonic() + 5
        seen = []
        while time.monotonic() < deadline:
            try:
                msg = sock.recv(4096).decode()
            except socket.timeout:
                break
            seen.append(msg)
            if word in msg.split("\n"):
                return seen
        return None

    seen = wait_for("READY=1")
    check(seen is not None, "READY=1 received")
    print(f"start to READY=1: {(time.monotonic() - start) * 1000:.1f} ms (budget 300 ms, "
          "for information only)")
    check(seen is not None and any("STATUS=0 scans: 0 admitted, 0 denied" in m for m in seen),
          "STATUS reports the scan counters")
    check(wait_for("WATCHDOG=1") is not None, "WATCHDOG=1 received")

    d.send_signal(signal.SIGHUP)
    seen = wait_for("READY=1")
    check(seen is not None and any("RELOADING=1" in m for m in seen), "SIGHUP: RELOADING=1, READY=1")

    os.replace(bad, good)  # the next reload reads a bad file
    d.send_signal(signal.SIGHUP)
    seen = wait_for("READY=1")
    check(seen is not None and d.poll() is None, "a bad file on SIGHUP keeps the daemon running")
    check(wait_for("WATCHDOG=1") is not None, "still pinging the watchdog after a failed reload")

    t0 = time.monotonic()
    d.send_signal(signal.SIGTERM)
    try:
        rc = d.wait(timeout=2)
    except subprocess.TimeoutExpired:
        d.kill()
        rc = None
    took = time.monotonic() - t0
    err = d.stderr.read()
    check(rc == 0, f"SIGTERM: exit 0 within 2 s (took {took * 1000:.0f} ms)")
    check(f"<3>{good}:5: [scan] repeat_holdoff_s" in err, "the refused reload is logged")
    check("<6>stopped" in err, "the stop is logged")
    sock.close()
    subprocess.run(["rm", "-rf", tmp])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
