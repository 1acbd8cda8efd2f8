#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""city-bench.py - passgate-cityd ingest against raw inserts, and trace over 14 days x 5000
venues, on SQLite and on PostgreSQL (bench/city.md has the figures and the command).

    bench/city-bench.py BUILD_DIR sqlite|pg [EVENTS]

ingest  EVENTS synthetic events (default 5000) published at QoS 1 by mosquitto_pub to a private
        mosquitto; the real passgate-cityd stores them (parse, checks, unique eid, counters,
        one transaction per burst, PUBACK after commit). Rate = events / (first stored ->
        last stored). Anchor, measured in the same run on the same store: the same rows as
        plain INSERTs, durable, in transactions of 20 (the daemon's largest burst: the
        broker's receive maximum), by python3's sqlite3 (WAL, synchronous=FULL) or psql.
trace   14 local days x 5000 venues x 4 admitted events (280 000 events, a K_day per day)
        loaded into the store, then `passgate-city trace --name ...` over the 14 days: wall
        time of the command, best and median of 5.
PostgreSQL runs under pg_virtualenv (the script re-executes itself under it).
"""
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

BUILD, BACKEND = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
CITYD = os.path.join(BUILD, "city", "passgate-cityd")
CITY = os.path.join(BUILD, "city", "passgate-city")
if BACKEND == "pg" and "PGHOST" not in os.environ:
    os.execvp("pg_virtualenv", ["pg_virtualenv", sys.executable, *sys.argv])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def event(k, seq, slot, venue="v1", tok=None, day=None):
    return json.dumps({"v": 1, "eid": f"{k}:{seq}", "venue": venue, "kiosk": k, "slot": slot,
                       "program": "national-package", "decision": "admit",
                       "reasons": ["vaccinated"], "kind": "vaccination", "format": "shc",
                       "tok": tok}, separators=(",", ":"))


def conf(tmp, port):
    path = os.path.join(tmp, "city.conf")
    store = "postgresql://" if BACKEND == "pg" else f"sqlite:{tmp}/state/city.db"
    with open(path, "w") as f:
        f.write(f"[city]\nid = bench\nstate_dir = {tmp}/state\nstats_interval_s = 3600\n"
                f"[mqtt]\nhost = 127.0.0.1\nport = {port}\nclient_id = bench-city\n"
                f"[store]\nurl = {store}\n[trust]\ndefault = no\n")
    return path


def sql(statements):
    """Run SQL on the bench store (psql for PostgreSQL, sqlite3 module for SQLite)."""
    if BACKEND == "pg":
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1"], input=statements, text=True,
                       check=True, stdout=subprocess.DEVNULL)


def raw_inserts(tmp, rows):
    """The anchor: the same rows, plain INSERTs, transactions of 20, durable."""
    t0 = time.monotonic()
    if BACKEND == "pg":
        parts = ["SET synchronous_commit = on;",
                 "CREATE TABLE raw AS SELECT * FROM events WITH NO DATA;"]
        for i in range(0, len(rows), 20):
            parts.append("BEGIN;")
            for r in rows[i:i + 20]:
                body = r[-1].replace("'", "''")
                parts.append(f"INSERT INTO raw(eid, day, venue, kiosk, slot, admit, reasons, kind,"
                             f" tok, body) VALUES('{r[0]}','{r[1]}','{r[2]}','{r[3]}',{r[4]},"
                             f"true,'[\"vaccinated\"]','vaccination',NULL,'{body}');")
            parts.append("COMMIT;")
        script = "\n".join(parts)
        t0 = time.monotonic()
        sql(script)
    else:
        db = sqlite3.connect(f"{tmp}/state/raw.db", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE raw(id INTEGER PRIMARY KEY, eid TEXT NOT NULL UNIQUE, day TEXT,"
                   " venue TEXT, kiosk TEXT, slot INTEGER, admit INTEGER, reasons TEXT,"
                   " kind TEXT, tok TEXT, body TEXT)")
        db.execute("CREATE INDEX raw_day_tok ON raw(day, tok)")
        db.execute("CREATE INDEX raw_day_venue_slot ON raw(day, venue, slot)")
        t0 = time.monotonic()
        for i in range(0, len(rows), 20):
            db.execute("BEGIN")
            for r in rows[i:i + 20]:
                db.execute("INSERT INTO raw(eid, day, venue, kiosk, slot, admit, reasons, kind,"
                           " tok, body) VALUES(?,?,?,?,?,1,'[\"vaccinated\"]','vaccination',"
                           "NULL,?)", (r[0], r[1], r[2], r[3], r[4], r[5]))
            db.execute("COMMIT")
        db.close()
    return len(rows) / (time.monotonic() - t0)


def count_events(path):
    p = subprocess.run([CITY, "--config", path, "events", "--counters"], capture_output=True,
                       text=True)
    return json.loads(p.stdout).get("stored", 0) if p.returncode == 0 else 0


def bench_ingest(tmp):
    port = free_port()
    with open(f"{tmp}/mosquitto.conf", "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\n"
                "persistence false\nuser root\n")
    broker = subprocess.Popen(["mosquitto", "-c", f"{tmp}/mosquitto.conf"],
                              stderr=subprocess.DEVNULL)
    path = conf(tmp, port)
    subprocess.run([CITY, "--config", path, "init"], check=True, stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    cityd = subprocess.Popen([CITYD, "--config", path], stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    slot = int(time.time()) // 600
    lines = "\n".join(event("k1", i, slot) for i in range(1, N + 1)) + "\n"
    pub = subprocess.Popen(["mosquitto_pub", "-p", str(port), "-V", "mqttv5", "-q", "1", "-t",
                            "passgate/v1/bench/venue/v1/kiosk/k1/check", "-l"],
                           stdin=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    pub.communicate(lines)
    while count_events(path) < N:
        time.sleep(0.05)
    rate = N / (time.monotonic() - t0)
    cityd.terminate()
    cityd.wait()
    broker.terminate()
    broker.wait()
    day = time.strftime("%Y-%m-%d")
    rows = [(f"r{i}", day, "v1", "k1", slot, event("k1", i, slot)) for i in range(1, N + 1)]
    anchor = raw_inserts(tmp, rows)
    print(f"ingest ({BACKEND}): passgate-cityd {rate:.0f} events/s, raw inserts {anchor:.0f} "
          f"rows/s, ratio {rate / anchor:.2f} (budget >= 0.5)")
    return path


def hkdf(ikm, info):
    import hashlib
    import hmac
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def token(kv, family, given, dob, issuer):
    import base64
    import hashlib
    import hmac
    canon = b"".join(len(x.encode()).to_bytes(2, "big") + x.encode()
                     for x in (family, given, dob, issuer))
    mac = hmac.new(kv, canon, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def load_trace_data(tmp, days):
    """14 days x 5000 venues x 4 admitted events; the case visits venue v4321 on day 7."""
    rng = random.Random(11)
    kdays = {d: rng.randbytes(32) for d in days}
    rows = []
    for di, d in enumerate(days):
        slot0 = 2994000 - (len(days) - di) * 144
        for v in range(5000):
            for e in range(4):
                tok = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789-_")
                              for _ in range(22))
                rows.append((f"t{di}-{v}-{e}", d, f"v{v}", f"k{v}", slot0 + 60 + e, tok))
    case_kv = hkdf(kdays[days[7]], b"passgate/v1/venue/v4321")
    case_tok = token(case_kv, "BENCH", "CASE", "1980-01-01", "https://issuer.example")
    rows.append(("case-1", days[7], "v4321", "k4321", 2994000 - 7 * 144 + 61, case_tok))
    if BACKEND == "pg":
        csv = os.path.join(tmp, "events.csv")
        with open(csv, "w") as f:
            for r in rows:
                f.write(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]},t,\"[\"\"vaccinated\"\"]\","
                        f"vaccination,{r[5]},{{}}\n")
        script = (f"\\copy events(eid, day, venue, kiosk, slot, admit, reasons, kind, tok, body)"
                  f" from '{csv}' csv\n" +
                  "".join(f"INSERT INTO kday VALUES('{d}', decode('{k.hex()}', 'hex'));\n"
                          for d, k in kdays.items()) + "ANALYZE events;\n")
        sql(script)
    else:
        db = sqlite3.connect(f"{tmp}/state/city.db")
        db.executemany("INSERT INTO events(eid, day, venue, kiosk, slot, admit, reasons, kind,"
                       " tok, body) VALUES(?,?,?,?,?,1,'[\"vaccinated\"]','vaccination',?,'{}')",
                       rows)
        db.executemany("INSERT INTO kday VALUES(?, ?)", list(kdays.items()))
        db.commit()
        db.execute("ANALYZE")
        db.close()
    return len(rows)


def bench_trace(tmp, path):
    from zoneinfo import ZoneInfo
    import datetime
    today = datetime.datetime.now(ZoneInfo("Asia/Tokyo")).date()
    days = [(today - datetime.timedelta(days=13 - i)).isoformat() for i in range(14)]
    sql("DELETE FROM kday;") if BACKEND == "pg" else None
    if BACKEND != "pg":
        db = sqlite3.connect(f"{tmp}/state/city.db")
        db.execute("DELETE FROM kday")
        db.commit()
        db.close()
    n = load_trace_data(tmp, days)
    import resource
    times, cpu = [], []
    for _ in range(5):
        t0 = time.monotonic()
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run([CITY, "--config", path, "trace", "--name", "Bench,Case",
                            "--birth-date", "1980-01-01", "--issuer", "https://issuer.example",
                            "--from", days[0], "--to", days[-1]], capture_output=True, text=True)
        times.append(time.monotonic() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
    res = json.loads(p.stdout)
    assert len(res["visits"]) == 1, p.stdout[:300] + p.stderr
    print(f"trace ({BACKEND}): 14 days x 5000 venues ({n} events): wall best {min(times):.3f} s, "
          f"median {statistics.median(times):.3f} s; CPU (user+sys of passgate-city) best "
          f"{min(cpu):.3f} s, median {statistics.median(cpu):.3f} s (budget <= 1 s); load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; found "
          f"{len(res['visits'])} visit, {res['venues'][0]['copresent']} co-present")


def main():
    tmp = tempfile.mkdtemp(prefix="city-bench-")
    try:
        env = os.environ
        os.environ["TZ"] = env.get("TZ", "UTC")
        path = bench_ingest(tmp)
        bench_trace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
