#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration tests of the outbox + uplink against a real mosquitto (issue 5 acceptance 1, 4).

    events_uplink.py MOSQUITTO UPLINK_PUBLISHER delivery|acl|privacy

delivery  10,000 events; mid-stream the broker is stopped and restarted, and later the
          publisher is SIGKILLed and restarted. Every eid arrives, first occurrences in order.
tls       TLS with client certificates (a throwaway CA made with openssl): events arrive; without
          a client certificate the kiosk cannot connect and the rows stay.
acl       the broker's ACL denies the check topic: PUBACK 0x87, rows stay in the outbox
          (`passgate events stats`), and the retained status says why.
oversize  (issue 9, finding 7) a retained 9 MiB message on a city topic the kiosk subscribes
          to is never delivered: the CONNECT's Maximum Packet Size makes the broker drop it,
          while a small retained message on another topic arrives and the link stays up.
privacy   everything written to the state directory (outbox DB, -wal, -shm, after a SIGKILL
          and after a clean run) and everything on the wire ('#') holds no name, birth date
          or certificate id, nor an exact time.

Each broker runs on a free loopback port with a generated config in a temporary directory;
every process started here is killed at the end, pass or fail.
"""
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

MOSQUITTO, PUBLISHER, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
CLI = os.environ.get("PASSGATE_CLI")
CHECK_TOPIC = "passgate/v1/testcity/venue/v1/kiosk/k1/check"
STATUS_TOPIC = "passgate/v1/testcity/venue/v1/kiosk/k1/status"
procs = []
cleanup_dirs = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(args, **kw):
    p = subprocess.Popen(args, **kw)
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def wait_port(port, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"broker did not listen on {port}")


class Broker:
    def __init__(self, tmp, port, extra=""):
        self.conf = os.path.join(tmp, "mosquitto.conf")
        self.log = open(os.path.join(tmp, "broker.log"), "ab")
        self.port = port
        with open(self.conf, "w") as f:
            # As root, mosquitto would switch to the "mosquitto" user, which cannot read
            # this private temporary directory: stay the user who runs the test.
            # max_queued_messages 0 ("no limit") makes mosquitto 2.0.11 drop a client after a
            # denied QoS 1 publish, so the limit is merely large.
            user = pwd.getpwuid(os.getuid()).pw_name
            f.write(f"user {user}\nlistener {port} 127.0.0.1\nallow_anonymous true\n"
                    f"max_queued_messages 100000\n{extra}")
        self.proc = None

    def start(self):
        self.proc = spawn([MOSQUITTO, "-c", self.conf], stdout=self.log, stderr=self.log)
        wait_port(self.port)

    def stop(self):
        stop(self.proc)


def subscriber(tmp, port, name, topic, persistent=False, tls=()):
    out = open(os.path.join(tmp, name + ".out"), "wb")
    args = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-V", "5", "-q", "1",
            "-t", topic, "-t", "passgate/probe", "-v", *tls]
    if persistent:
        args += ["-c", "-i", name, "-x", "3600"]
    p = spawn(args, stdout=out, stderr=subprocess.DEVNULL)
    # Wait until the subscription is live: a probe comes back.
    end = time.time() + 10
    while time.time() < end:
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-V", "5",
                        "-t", "passgate/probe", "-m", "probe", *tls], check=False)
        time.sleep(0.2)
        with open(out.name, "rb") as f:
            if b"passgate/probe" in f.read():
                return p, out.name
    raise SystemExit("subscriber did not come up")


def publisher(state, port, *extra, out=None):
    return spawn([PUBLISHER, "--state-dir", state, "--port", str(port), *extra],
                 stdout=out or subprocess.PIPE, stderr=subprocess.PIPE)


def events_in(path):
    """(eid, event) for every check message in a mosquitto_sub -v capture."""
    got = []
    with open(path, "rb") as f:
        for line in f:
            topic, _, payload = line.rstrip(b"\n").partition(b" ")
            if topic.decode() == CHECK_TOPIC:
                ev = json.loads(payload)
                got.append((ev["eid"], ev))
    return got


def count_lines(path):
    """Check messages received so far, duplicates included: cheap, for the triggers."""
    with open(path, "rb") as f:
        return f.read().count(b"/check {")


def check_delivery(path, total):
    got = events_in(path)
    first, order = set(), []
    for eid, _ in got:
        if eid not in first:
            first.add(eid)
            order.append(int(eid.split(":")[1]))
    want = set(range(1, total + 1))
    missing = want - set(order)
    assert not missing, f"{len(missing)} events lost, e.g. {sorted(missing)[:10]}"
    assert len(order) == total, f"unexpected eids: {len(order)} != {total}"
    assert order == sorted(order), "first occurrences are not in eid order"
    return len(got) - total


def test_delivery(tmp):
    total = 10000
    port = free_port()
    # The outbox on tmpfs when there is one: SIGKILL survival does not depend on fsync (the
    # page cache outlives the process), and a shared build machine's fsync latency would
    # otherwise dominate the test's time. bench/events-bench.sh measures the real disk.
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else tmp
    state = tempfile.mkdtemp(prefix="passgate-outbox-", dir=shm)
    cleanup_dirs.append(state)
    broker = Broker(tmp, port, f"persistence true\npersistence_location {tmp}/\n"
                               "autosave_interval 3600\n")
    broker.start()
    sub, capture = subscriber(tmp, port, "delivery-sub", CHECK_TOPIC, persistent=True)
    pub = publisher(state, port, "--total", str(total), "--burst", "10", "--interval-ms", "2")
    t0 = time.time()

    # 1. Broker stopped and restarted mid-stream (its persistence keeps the subscriber's
    #    session; the publisher's outbox is what keeps the events).
    while count_lines(capture) < 2500:
        assert pub.poll() is None, "publisher ended early"
        assert time.time() - t0 < 60, "stream too slow"
        time.sleep(0.02)
    print(f"  {time.time() - t0:.1f} s: broker restart", flush=True)
    broker.stop()
    time.sleep(0.5)
    broker.start()
    # 2. The publisher is SIGKILLed mid-stream and started again on the same state dir.
    while count_lines(capture) < 6000:
        assert pub.poll() is None, "publisher ended early"
        assert time.time() - t0 < 60, "stream too slow"
        time.sleep(0.02)
    print(f"  {time.time() - t0:.1f} s: publisher SIGKILL", flush=True)
    pub.send_signal(signal.SIGKILL)
    pub.wait()
    pub = publisher(state, port, "--total", str(total), "--burst", "10", "--interval-ms", "2")
    out, err = pub.communicate(timeout=90)
    stats = json.loads(out)
    print(f"  {time.time() - t0:.1f} s: publisher done", flush=True)
    assert stats["pending"] == 0 and stats["lost"] == 0 and stats["dropped"] == 0, stats
    end = time.time() + 20
    while len({e for e, _ in events_in(capture)}) < total and time.time() < end:
        time.sleep(0.1)
    dups = check_delivery(capture, total)
    print(f"delivery: {total} events, all received in order, {dups} duplicates "
          f"(deduplicated by eid), {time.time() - t0:.1f} s")
    stop(sub)
    broker.stop()


def test_acl(tmp):
    port = free_port()
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    acl = os.path.join(tmp, "acl")
    with open(acl, "w") as f:
        f.write("topic read passgate/#\n"
                f"topic readwrite {STATUS_TOPIC}\n"
                "topic readwrite passgate/probe\n")
    broker = Broker(tmp, port, f"acl_file {acl}\n")
    broker.start()
    sub, capture = subscriber(tmp, port, "acl-sub", "passgate/#")
    pub = publisher(state, port, "--total", "5", "--run-ms", "2500")
    out, err = pub.communicate(timeout=30)
    stats = json.loads(out)
    assert stats["pending"] == 5, stats
    assert stats["rejected"] >= 5 and stats["last_reject"] == 0x87, stats
    assert stats["acked"] == 0, stats
    # The retry after reject_retry_ms (1 s here) was rejected again: rows still stay.
    assert stats["rejected"] >= 10, stats
    cli = json.loads(subprocess.run([CLI, "events", "stats", "--state-dir", state],
                                    capture_output=True, check=True).stdout)
    assert cli["pending"] == 5 and cli["delivered"] == 0, cli
    time.sleep(0.3)
    statuses = []
    with open(capture, "rb") as f:
        for line in f:
            topic, _, payload = line.rstrip(b"\n").partition(b" ")
            if topic.decode() == STATUS_TOPIC:
                statuses.append(json.loads(payload))
            assert topic.decode() != CHECK_TOPIC, "a denied event reached a subscriber"
    why = [s for s in statuses if s.get("uplink", {}).get("last_reject")]
    assert why, f"no status with the reason: {statuses}"
    assert why[-1]["uplink"]["last_reject"]["reason"] == 0x87, why[-1]
    assert "authori" in why[-1]["uplink"]["last_reject"]["text"].lower(), why[-1]
    assert statuses[-1]["state"] == "offline", statuses[-1]  # the will, on the way out
    print(f"acl: 5 events denied with 0x87, kept in the outbox; status: {why[-1]['uplink']}")
    stop(sub)
    broker.stop()


def make_pki(tmp):
    """A CA, a server certificate for 127.0.0.1 and a client certificate for the kiosk."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=passgate-test-ca",
        "-days", "2")
    for name, cn, ext in (("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1"),
                          ("client", "k1", "extendedKeyUsage=clientAuth")):
        with open(os.path.join(tmp, name + ".ext"), "w") as f:
            f.write(ext + "\n")
        run("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={cn}")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext")
    return {n: os.path.join(tmp, n) for n in
            ("ca.crt", "server.crt", "server.key", "client.crt", "client.key")}


def test_tls(tmp):
    port = free_port()
    pki = make_pki(tmp)
    broker = Broker(tmp, port, f"cafile {pki['ca.crt']}\ncertfile {pki['server.crt']}\n"
                               f"keyfile {pki['server.key']}\nrequire_certificate true\n")
    broker.start()
    tls = ("--cafile", pki["ca.crt"], "--cert", pki["client.crt"], "--key", pki["client.key"])
    sub, capture = subscriber(tmp, port, "tls-sub", CHECK_TOPIC, tls=tls)
    # Without a client certificate: no connection, the rows wait.
    nocert = os.path.join(tmp, "nocert")
    os.mkdir(nocert)
    out, _ = publisher(nocert, port, "--total", "20", "--run-ms", "1500",
                       "--tls-ca", pki["ca.crt"]).communicate(timeout=30)
    refused = json.loads(out)
    assert refused["connects"] == 0 and refused["pending"] == 20, refused
    assert refused["last_error"], refused
    # With it: everything arrives.
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    out, _ = publisher(state, port, "--total", "200", "--tls-ca", pki["ca.crt"],
                       "--tls-cert", pki["client.crt"],
                       "--tls-key", pki["client.key"]).communicate(timeout=60)
    stats = json.loads(out)
    assert stats["pending"] == 0 and stats["connects"] >= 1, stats
    end = time.time() + 10
    while len({e for e, _ in events_in(capture)}) < 200 and time.time() < end:
        time.sleep(0.1)
    dups = check_delivery(capture, 200)
    print(f"tls: 200 events over TLS with a client certificate ({dups} duplicates); without "
          f"one: no connection ({refused['last_error']}), rows kept")
    stop(sub)
    broker.stop()


SECRETS = [b"YAMADAPRIVATE", b"TAROPRIVATE", "山田".encode(), "太郎".encode(),
           "山田".encode("utf-16-le"), b"1985-07-14", b"19850714", b"1985",
           b"SECRETCERTID42", b"URN:UVCI"]


def scan(blob, where):
    for s in SECRETS:
        assert s not in blob, f"{s!r} found in {where}"


def snapshot(state, into):
    """Every file under the state directory, as bytes."""
    blobs = {}
    for name in os.listdir(state):
        with open(os.path.join(state, name), "rb") as f:
            blobs[name] = f.read()
    into.append(blobs)
    return blobs


def test_privacy(tmp):
    port = free_port()
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    snaps = []
    # 1. No broker yet: events pile up; SIGKILL leaves the -wal beside the DB.
    pub = publisher(state, port, "--total", "300", "--burst", "1", "--run-ms", "60000")
    end = time.time() + 30
    while time.time() < end:
        r = subprocess.run([CLI, "events", "stats", "--state-dir", state], capture_output=True)
        if r.returncode == 0 and json.loads(r.stdout)["pending"] >= 200:
            break
        time.sleep(0.05)
    pub.send_signal(signal.SIGKILL)
    pub.wait()
    killed = snapshot(state, snaps)
    assert "outbox.db-wal" in killed, sorted(killed)
    # 2. The broker and a subscriber to everything; the publisher delivers all and exits.
    broker = Broker(tmp, port)
    broker.start()
    sub, capture = subscriber(tmp, port, "privacy-sub", "#")
    pub = publisher(state, port, "--total", "300")
    out, err = pub.communicate(timeout=60)
    assert json.loads(out)["pending"] == 0, out
    time.sleep(0.3)
    stop(sub)
    broker.stop()
    snapshot(state, snaps)
    with open(capture, "rb") as f:
        wire = f.read()

    # Positive controls: the scan looked at real content.
    assert any(b'"eid":"k1:' in b for s in snaps for b in s.values()), "no events on disk"
    evs = events_in(capture)
    assert len({e for e, _ in evs}) == 300, len(evs)
    assert all(ev["tok"] for _, ev in evs), "tokens expected with a day key"
    for snap in snaps:
        for name, blob in snap.items():
            scan(blob, f"state/{name}")
    scan(wire, "the wire")
    # No exact time: no Unix-seconds value of this decade on the wire.
    now = int(time.time())
    for m in re.finditer(rb"\b1[6-9]\d{8}\b", wire):
        assert abs(int(m.group()) - now) > 10 * 86400, f"a timestamp on the wire: {m.group()}"
    print(f"privacy: {sum(len(s) for s in snaps)} files ({sum(len(b) for s in snaps for b in s.values())}"
          f" bytes) and {len(wire)} bytes on the wire hold no name, birth date, certificate id"
          f" or exact time")


def test_oversize(tmp):
    port = free_port()
    broker = Broker(tmp, port)
    broker.start()
    big = os.path.join(tmp, "big.bin")
    with open(big, "wb") as f:
        f.write(b"\0" * (9 * 1024 * 1024))
    trust, alert = "passgate/v1/testcity/trust", "passgate/v1/testcity/venue/v1/alert"
    for topic, arg in ((trust, ["-f", big]), (alert, ["-m", "small"])):
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-V", "5", "-q",
                        "1", "-r", "-t", topic, *arg], check=True, timeout=10)
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    p = publisher(state, port, "--total", "1", "--run-ms", "3000", "--no-wait",
                  "--subscribe", trust, "--subscribe", alert)
    out, err = p.communicate(timeout=30)
    res = json.loads(out.strip().splitlines()[-1])
    print(res)
    if res["inbound"] != 1 or res["inbound_largest"] != 5:
        raise SystemExit(f"FAIL: the 9 MiB retained message reached the kiosk: {res}")
    if not res["connected"]:
        raise SystemExit(f"FAIL: the link did not stay up: {res}")
    print("ok: the broker dropped the oversized retained message; the small one arrived")
    broker.stop()


def main():
    tmp = tempfile.mkdtemp(prefix=f"passgate-{MODE}-")
    try:
        {"delivery": test_delivery, "acl": test_acl, "privacy": test_privacy,
         "tls": test_tls, "oversize": test_oversize}[MODE](tmp)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for d in cleanup_dirs:
            shutil.rmtree(d, ignore_errors=True)
        if not os.environ.get("PASSGATE_KEEP_TMP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)


if __name__ == "__main__":
    main()
