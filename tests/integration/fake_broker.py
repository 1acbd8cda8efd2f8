#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fake_broker.py - a scripted MQTT 5 broker for the uplink's edge cases (DESIGN.md, "Known
pitfalls of the libraries", libmosquitto), beside the real-broker tests (events_uplink.py).

The broker speaks just enough MQTT 5 (CONNECT, PUBLISH QoS 0/1, SUBSCRIBE, PINGREQ, DISCONNECT)
to serve tests/integration/uplink_publisher (the outbox and uplink of a kiosk) and misbehaves
on purpose, one script per mode:

drop        the connection is cut right after a PUBLISH arrives, without its PUBACK, three
            times. libmosquitto closes the socket before its callback and the reconnect's
            socket usually gets the same fd number: the uplink must follow it (re-read the fd)
            and resend from the outbox. Every eid arrives; the outbox ends empty.
late-puback the first connection acks one event and is closed in the same write (PUBACK +
            FIN: the acknowledgement arrives as the link is torn down). Nothing is lost; the
            acked event may be sent once more on the next connection (at least once: the city
            drops it by eid).
blackhole   the first connection is accepted but never answered (no CONNACK). libmosquitto
            would notice only after about 2x keepalive; the uplink's own connect timeout must
            end it: the second connection comes well before 2x keepalive.

In every mode: no eid is published twice on one connection (a QoS 1 publish refused with
MQTT_ERR_NO_CONN is still queued by libmosquitto: publishing it again would duplicate it), no
event is lost, and the publisher reports nothing pending or lost.

usage: fake_broker.py UPLINK_PUBLISHER MODE
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOTAL = 12
KEEPALIVE_S = 5        # the publisher's keepalive (uplink_publisher.c)
CONNECT_TIMEOUT_S = 3  # and its own connect timeout


def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def read_packet(conn):
    first = read_exact(conn, 1)[0]
    length, shift = 0, 0
    while True:
        b = read_exact(conn, 1)[0]
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
        if shift > 21:
            raise ValueError("bad remaining length")
    return first, read_exact(conn, length)


def skip_varint(body, i):
    n, shift = 0, 0
    while True:
        b = body[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def parse_publish(first, body):
    qos = (first >> 1) & 3
    tlen = int.from_bytes(body[0:2], "big")
    topic = body[2:2 + tlen].decode()
    i = 2 + tlen
    pid = None
    if qos:
        pid = int.from_bytes(body[i:i + 2], "big")
        i += 2
    plen, i = skip_varint(body, i)
    return topic, qos, pid, body[i + plen:]


class Broker:
    """Serves one connection at a time; the script decides per connection and per PUBLISH."""

    def __init__(self, mode):
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.connections = []  # per connection: {"at": time, "eids": [eid, ...], "acked": []}
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            try:
                self.session(conn, time.monotonic())
            except (EOFError, ConnectionError, OSError):
                pass
            finally:
                conn.close()

    def session(self, conn, at):
        # Only an MQTT session counts as a connection: the uplink first probes the TCP
        # connection on a socket of its own, which closes without a CONNECT.
        conn.settimeout(30)
        first, _ = read_packet(conn)
        if first >> 4 != 1:
            return
        rec = {"at": at, "eids": [], "acked": []}
        self.connections.append(rec)
        n = len(self.connections) - 1
        if self.mode == "blackhole" and n == 0:
            while not self.stop:  # read and never answer, until the client gives up
                if not conn.recv(4096):
                    return
        conn.sendall(b"\x20\x03\x00\x00\x00")  # CONNACK, MQTT 5, no properties
        while True:
            first, body = read_packet(conn)
            kind = first >> 4
            if kind == 3:
                if not self.publish(conn, n, rec, first, body):
                    return
            elif kind == 8:  # SUBSCRIBE: grant QoS 1 to each filter
                pid = body[0:2]
                plen, i = skip_varint(body, 2)
                i += plen
                count = 0
                while i < len(body):
                    i += 2 + int.from_bytes(body[i:i + 2], "big") + 1
                    count += 1
                payload = pid + b"\x00" + b"\x01" * count
                conn.sendall(b"\x90" + varint(len(payload)) + payload)
            elif kind == 12:  # PINGREQ
                conn.sendall(b"\xd0\x00")
            elif kind == 14:  # DISCONNECT
                return

    def publish(self, conn, n, rec, first, body):
        """Record the PUBLISH and answer as the script says; False ends the connection."""
        topic, qos, pid, payload = parse_publish(first, body)
        eid = None
        if payload.startswith(b"{"):
            try:
                eid = json.loads(payload).get("eid")
            except ValueError:
                eid = None
        if eid is not None:
            rec["eids"].append(eid)
        puback = b"\x40\x02" + pid.to_bytes(2, "big") if qos else b""
        if eid is not None and self.mode == "drop" and n < 3 and len(rec["eids"]) == 2 + n:
            return False  # cut without PUBACK
        if eid is not None and self.mode == "late-puback" and n == 0:
            rec["acked"].append(eid)
            conn.sendall(puback)
            conn.shutdown(socket.SHUT_RDWR)  # PUBACK and FIN together
            return False
        if puback:
            conn.sendall(puback)
            if eid is not None:
                rec["acked"].append(eid)
        return True

    def close(self):
        self.stop = True
        self.thread.join(timeout=5)
        self.sock.close()


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        global failed
        failed = True


failed = False


def main():
    publisher, mode = sys.argv[1], sys.argv[2]
    broker = Broker(mode)
    with tempfile.TemporaryDirectory(prefix="fake-broker-") as state:
        t0 = time.monotonic()
        p = subprocess.run([publisher, "--state-dir", state, "--port", str(broker.port),
                            "--total", str(TOTAL), "--burst", "1", "--interval-ms", "20",
                            "--run-ms", "30000"],
                           capture_output=True, text=True, timeout=60)
        took = time.monotonic() - t0
        broker.close()
    try:
        st = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        print(p.stdout, p.stderr)
        raise SystemExit("FAIL: the publisher printed no status")
    conns = broker.connections
    every = [e for c in conns for e in c["eids"]]
    check(st["pending"] == 0 and st["lost"] == 0 and st["dropped"] == 0,
          f"publisher: nothing pending, lost or dropped ({st})")
    check(len(set(every)) == TOTAL, f"every one of the {TOTAL} eids reached the broker "
          f"({len(set(every))} distinct over {len(conns)} connection(s), {took:.1f} s)")
    check(all(len(c["eids"]) == len(set(c["eids"])) for c in conns),
          "no eid published twice on one connection (no resend of a NO_CONN-queued publish)")
    acked = {e for c in conns for e in c["acked"]}
    check(acked == set(every), "every eid was acknowledged by the broker before it left "
          "the outbox")
    if mode == "drop":
        check(len(conns) >= 4, f"the uplink reconnected after each cut ({len(conns)} "
              "connections)")
    elif mode == "late-puback":
        late = conns[0]["acked"] if conns and conns[0]["acked"] else []
        later = [e for c in conns[1:] for e in c["eids"]]
        # At least once: today the uplink tears the link down before it applies a PUBACK read
        # together with the FIN, so that event is sent again on the next connection (a
        # duplicate the city drops by eid, never a loss).
        check(len(late) == 1 and later.count(late[0]) <= 1,
              f"the event acked as the link went down ({late}) is delivered, and sent again "
              f"at most once ({later.count(late[0]) if late else 0} resend)")
    elif mode == "blackhole":
        gap = conns[1]["at"] - conns[0]["at"] if len(conns) > 1 else float("inf")
        check(gap < 2 * KEEPALIVE_S,
              f"the black-holed connect was given up by the uplink's own timeout "
              f"({CONNECT_TIMEOUT_S} s): next attempt after {gap:.1f} s, not ~2x keepalive "
              f"({2 * KEEPALIVE_S} s)")
    if failed:
        print("---- publisher stderr ----\n" + p.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
