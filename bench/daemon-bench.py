#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/daemon-bench.py - the measuring half of bench/daemon-bench.sh (issue 6, acceptance 4).

Subcommands (daemon-bench.sh calls them; each prints its figures):

  camera DIR CARDS_DIR N          N symlinks DIR/f000000.png... cycling through the sorted
                                  cards of CARDS_DIR (the dir: camera plays them in name order)
  scans  --daemon P --config F --log F --expect N [--gpio F --cards C] [--rss-every K] [-v]
                                  run passgated until N decisions; with --gpio (needs -v, the
                                  kiosk's "frame <seq> at <µs>" trace): latency from frame
                                  handed to the kiosk to the first sim-GPIO change of its
                                  decision; with --rss-every: VmRSS every K decisions
  ready  --daemon P --config F --starts N
                                  exec -> READY=1 on a NOTIFY_SOCKET owned by this script

Percentiles are nearest-rank over every sample (no interpolation, no outlier removal).
"""
import argparse
import bisect
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

# Decisions are debug lines (passgated -v): the journal of a real kiosk keeps no visit times.
DECISION = re.compile(rb"^<7>(admit|deny) ")
FRAME = re.compile(rb"^<7>frame (\d+) at (\d+)$")


def pct(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))
    return s[int(k)]


def status_kb(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                out[key] = int(rest.split()[0])
    # Pss shares each library page among the processes mapping it; Private is what this
    # process alone holds (its own heap and the libraries' written pages).
    out["Pss"] = out["Private"] = 0
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key == "Pss":
                out["Pss"] = int(rest.split()[0])
            elif key in ("Private_Clean", "Private_Dirty"):
                out["Private"] += int(rest.split()[0])
    return out


def smaps_by_mapping(pid):
    out, name = {}, None
    head = re.compile(r"^[0-9a-f]+-[0-9a-f]+ ")
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            if head.match(line):
                parts = line.split()
                name = os.path.basename(parts[5]) if len(parts) > 5 else "[anonymous]"
                out.setdefault(name, [0, 0])
            elif line.startswith("Rss:"):
                out[name][0] += int(line.split()[1])
            elif line.startswith("Anonymous:"):
                out[name][1] += int(line.split()[1])
    return out


def cmd_camera(a):
    cards = sorted(os.listdir(a.cards_dir))
    os.makedirs(a.dir, exist_ok=True)
    for i in range(a.n):
        os.symlink(os.path.join(os.path.abspath(a.cards_dir), cards[i % len(cards)]),
                   os.path.join(a.dir, f"f{i:06d}.png"))
    print(f"camera: {a.n} frames cycling through {len(cards)} cards")


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def cmd_scans(a):
    argv = [a.daemon, "--config", a.config] + (["-v"] if a.verbose else [])
    if a.strace:
        argv = ["strace", "-f", "--seccomp-bpf", "-qq", "-y", "-T", "-e",
                "trace=fsync,fdatasync", "-o", a.strace] + argv
    logf = open(a.log, "wb")
    t_start = time.monotonic()
    p = subprocess.Popen(argv, stderr=logf, stdout=subprocess.DEVNULL)
    decisions, pos, buf = 0, 0, b""
    samples = []
    next_mark = 0
    last_progress = time.monotonic()
    try:
        with open(a.log, "rb") as f:
            while decisions < a.expect:
                if p.poll() is not None:
                    sys.exit(f"passgated exited ({p.returncode}); see {a.log}")
                f.seek(pos)
                chunk = f.read()
                pos += len(chunk)
                buf += chunk
                lines = buf.split(b"\n")
                buf = lines.pop()
                n = sum(1 for ln in lines if DECISION.match(ln))
                decisions += n
                now = time.monotonic()
                if n:
                    last_progress = now
                elif now - last_progress > a.stall:
                    print(f"scans: stalled at {decisions} decisions (camera idle or hold-off?)")
                    break
                if a.rss_every and decisions >= max(next_mark, 1):
                    samples.append((decisions, now - t_start, status_kb(p.pid)))
                    next_mark += a.rss_every
                time.sleep(0.02)
        t_end = time.monotonic()
        if a.rss_every:
            time.sleep(2)  # settled: the camera is idle, the uplink drains
            samples.append((decisions, time.monotonic() - t_start, status_kb(p.pid)))
            maps = smaps_by_mapping(p.pid)
    finally:
        if a.strace:
            # SIGTERM to passgated itself (strace's child); strace ends with it.
            with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
                for child in f.read().split():
                    os.kill(int(child), signal.SIGTERM)
        stop(p)
        logf.close()
    elapsed = t_end - t_start
    print(f"scans: {decisions} decisions in {elapsed:.1f} s ({decisions / elapsed:.1f} scans/s, "
          f"start included)")
    if a.rss_every:
        print("rss: decisions  seconds  VmRSS_kB  RssAnon_kB  RssFile_kB  VmHWM_kB  Pss_kB"
              "  Private_kB")
        for d, t, s in samples:
            print(f"rss: {d:9d} {t:8.1f} {s['VmRSS']:9d} {s['RssAnon']:11d} "
                  f"{s['RssFile']:11d} {s['VmHWM']:9d} {s['Pss']:7d} {s['Private']:11d}")
    if a.rss_every:
        top = sorted(maps.items(), key=lambda kv: -kv[1][0])
        print("rss: at the end, by mapping (kB): Rss Anonymous name")
        for name, (rss, anon) in top[:24]:
            print(f"rss: {rss:7d} {anon:7d}  {name}")
        rest = top[24:]
        print(f"rss: {sum(v[0] for _, v in rest):7d} {sum(v[1] for _, v in rest):7d}  "
              f"({len(rest)} other mappings)")
    if a.gpio:
        latency(a)
    if a.strace:
        syncs(a.strace, decisions)


def syncs(path, decisions):
    call = re.compile(r"^\d+ +(fsync|fdatasync)\(\d+<([^>]*)>\) += (-?\d+).*<([0-9.]+)>$")
    by = {}
    with open(path) as f:
        for ln in f:
            m = call.match(ln.strip())
            if m:
                key = f"{m.group(1)} {os.path.basename(m.group(2))}"
                by.setdefault(key, []).append(float(m.group(4)) * 1e6)
    for key, v in sorted(by.items()):
        print(f"sync: {key}: {len(v)} calls ({len(v) / decisions:.2f} per scan)  "
              f"p50 {pct(v, 50) / 1000:.2f} ms  p99 {pct(v, 99) / 1000:.2f} ms  "
              f"max {max(v) / 1000:.2f} ms  total {sum(v) / 1e6:.2f} s")


def latency(a):
    frames = []  # [seq, t_us, decision or None]
    with open(a.log, "rb") as f:
        for ln in f:
            ln = ln.rstrip(b"\n")
            m = FRAME.match(ln)
            if m:
                frames.append([int(m.group(1)), int(m.group(2)), None])
                continue
            m = DECISION.match(ln)
            if m and frames:
                if frames[-1][2] is not None:
                    sys.exit("two decisions after one frame: the pairing is wrong")
                frames[-1][2] = m.group(1).decode()
    gpio_t, gpio_ev = [], []
    with open(a.gpio) as f:
        for ln in f:
            t, name, v = ln.split()
            gpio_t.append(int(t))
            gpio_ev.append((name, v))
    first, shown, period, wrong, undecided, unmatched = [], [], [], 0, 0, 0
    for i, (seq, t, d) in enumerate(frames):
        if i + 1 < len(frames):
            period.append(frames[i + 1][1] - t)
        if d is None:
            undecided += 1
            continue
        if a.cards and (d == "admit") != ((seq % a.cards) % 2 == 0):
            wrong += 1
        end = frames[i + 1][1] if i + 1 < len(frames) else float("inf")
        j = bisect.bisect_left(gpio_t, t)
        if j >= len(gpio_t) or gpio_t[j] >= end:
            unmatched += 1
            continue
        first.append(gpio_t[j] - t)
        want = ("green" if d == "admit" else "red", "1")
        while j < len(gpio_t) and gpio_t[j] < end and gpio_ev[j] != want:
            j += 1
        if j < len(gpio_t) and gpio_t[j] < end:
            shown.append(gpio_t[j] - t)
    print(f"latency: {len(frames)} frames, {len(first)} decisions with a GPIO change; "
          f"{undecided} frames without a decision, {unmatched} decisions without a change, "
          f"{wrong} decisions not the card's expected one")

    def line(what, v):
        print(f"latency: {what}: n {len(v)}  p50 {pct(v, 50) / 1000:.2f} ms  "
              f"p99 {pct(v, 99) / 1000:.2f} ms  p99.9 {pct(v, 99.9) / 1000:.2f} ms  "
              f"max {max(v) / 1000:.2f} ms")

    line("frame -> first output change", first)
    line("frame -> green/red on", shown)
    line("frame -> next frame (service time per scan)", period)


def cmd_ready(a):
    d = tempfile.mkdtemp(prefix="passgate-notify.")
    path = os.path.join(d, "notify")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    env.pop("WATCHDOG_USEC", None)
    times, rss = [], []
    try:
        for i in range(a.starts):
            log = open(os.path.join(d, "daemon.log"), "wb")
            t0 = time.monotonic_ns()
            p = subprocess.Popen([a.daemon, "--config", a.config], env=env, stderr=log,
                                 stdout=subprocess.DEVNULL)
            s.settimeout(10)
            try:
                while True:
                    msg = s.recv(4096)
                    if b"READY=1" in msg.split(b"\n"):
                        times.append((time.monotonic_ns() - t0) / 1e6)
                        rss.append(status_kb(p.pid))
                        break
            except socket.timeout:
                stop(p)
                sys.exit(f"ready: no READY=1 within 10 s (start {i + 1})")
            stop(p)
            log.close()
            if p.returncode != 0:
                sys.exit(f"ready: passgated exited {p.returncode} after SIGTERM")
    finally:
        s.close()
        for n in os.listdir(d):
            os.unlink(os.path.join(d, n))
        os.rmdir(d)
    print(f"ready: {len(times)} starts, exec -> READY=1: median {pct(times, 50):.1f} ms  "
          f"min {min(times):.1f} ms  max {max(times):.1f} ms")
    print("ready: all (ms): " + " ".join(f"{t:.1f}" for t in times))
    for key in ("VmRSS", "RssAnon", "RssFile", "Pss", "Private"):
        print(f"ready: {key} at READY=1: median {pct([r[key] for r in rss], 50)} kB")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("camera")
    c.add_argument("dir")
    c.add_argument("cards_dir")
    c.add_argument("n", type=int)
    c.set_defaults(fn=cmd_camera)
    c = sub.add_parser("scans")
    c.add_argument("--daemon", required=True)
    c.add_argument("--config", required=True)
    c.add_argument("--log", required=True)
    c.add_argument("--expect", type=int, required=True)
    c.add_argument("--gpio")
    c.add_argument("--cards", type=int, default=0)
    c.add_argument("--rss-every", type=int, default=0)
    c.add_argument("--stall", type=float, default=10.0)
    c.add_argument("--strace", help="trace fsync/fdatasync into this file, summarise them")
    c.add_argument("-v", "--verbose", action="store_true")
    c.set_defaults(fn=cmd_scans)
    c = sub.add_parser("ready")
    c.add_argument("--daemon", required=True)
    c.add_argument("--config", required=True)
    c.add_argument("--starts", type=int, default=20)
    c.set_defaults(fn=cmd_ready)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
