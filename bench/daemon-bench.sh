#!/bin/sh
# bench/daemon-bench.sh - the daemon's budgets (DESIGN.md "Performance budgets"; issue 6):
#   1. frame handed to the kiosk -> first sim-GPIO change of its decision, whole passgated,
#      p50/p99 over SCANS scans (budget p99 <= 20 ms);
#   2. the fsync/fdatasync calls per scan and their durations, SYNC_SCANS scans under
#      strace --seccomp-bpf (a separate run: its timing is not used for 1.);
#   3. VmRSS every RSS_SCANS/10 decisions up to RSS_SCANS scans (budget <= 25 MB, flat);
#   4. exec -> READY=1 over STARTS starts, with the dir: camera (budget <= 50 ms here) and
#      with a libcamera source (budget <= 300 ms).
#
#   bench/daemon-bench.sh [BUILD_DIR] [SCANS] [RSS_SCANS] [STARTS] [CARDS] [SYNC_SCANS]
#       defaults: build/release 10000 100000 20 1500 2000;  MQTT=no runs without [mqtt] host
#       (events then stay in the outbox); a count of 0 skips that part.
#
# The cards: CARDS minted with `passgate issue-test --png` (4 px/module) by a throw-away
# issuer, alternately admit (two doses long ago) and deny (one dose), SHC and DCC by pairs.
# The camera is a dir: of N symlinks cycling through them in name order, so decisions
# alternate admit/deny (every decision changes an output) and a card repeats only after
# CARDS - 1 other scans. That must take more than [scan] repeat_holdoff_s = 1 s: a quiet
# 2-CPU machine scans ~450/s, so 500 cards are too few (the hold-off then treats every card
# as still in view and no decision follows); the script reports frames without a decision,
# and the scans part stops when decisions stall. passback_window_s = 0: a repeated
# admit card is judged again, not denied `already-checked-in`. The dir: camera is not paced:
# the next file is delivered when the loop comes back to the camera, so "frame available" is
# the kiosk's "frame <seq> at <µs>" debug line (passgated -v), and the time between two
# frames is the daemon's full service time per scan (image load, decode, verify, rules,
# GPIO, receipt, outbox commit with fsync, publish).
#
# Everything (keys, cards, broker, state) lives in a temporary directory removed at the end;
# the outbox state directory is on the same file system as $TMPDIR (default /tmp).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/release}
scans=${2:-10000}
rss_scans=${3:-100000}
starts=${4:-20}
cards=${5:-1500}
sync_scans=${6:-2000}
mqtt=${MQTT:-yes}
cli=$build/cli/passgate
daemon=$build/daemon/passgated
py="python3 $top/bench/daemon-bench.py"
broker=${MOSQUITTO_BROKER:-/usr/sbin/mosquitto}
[ -x "$daemon" ] && [ -x "$cli" ] || { echo "build $build first" >&2; exit 2; }
[ "$rss_scans" -le 100000 ] || { echo "the dir: camera lists at most 100000 files" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/passgate-dbench.XXXXXX")
broker_pid=
cleanup() {
	if [ -n "$broker_pid" ]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), $(df -T "$work" | awk 'NR==2 { print $2 }') under $work"
echo "passgated: $daemon ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || echo '?') build)"

# ---- cards ----
"$cli" issue-test keygen --dir "$work/keys" >/dev/null
mkdir -p "$work/cards"
seq 0 $((cards - 1)) | xargs -P "$(nproc)" -I{} sh -c '
	i={}; n=$(printf %04d "$i"); cli=$0; keys=$1; out=$2
	if [ $((i / 2 % 2)) = 0 ]; then f=shc; else f=dcc; fi
	if [ $((i % 2)) = 0 ]; then
		set -- --vaccination 2025-01-10 --vaccination 2025-02-10
	else
		set -- --vaccination 2025-01-10
	fi
	exec "$cli" issue-test "$f" --dir "$keys" --family "Bench$n" --given "Card" "$@" \
		--png "$out/card-$n.png" >/dev/null' "$cli" "$work/keys" "$work/cards"
echo "cards: $(ls "$work/cards" | wc -l) minted ($(du -sk "$work/cards" | cut -f1) kB of PNG)"

# ---- broker ----
if [ "$mqtt" = yes ]; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	printf 'user %s\nlistener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' \
		"$(id -un)" "$port" >"$work/mosquitto.conf"
	"$broker" -c "$work/mosquitto.conf" >"$work/broker.log" 2>&1 &
	broker_pid=$!
	i=0
	until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "broker did not start" >&2; exit 1; }; sleep 0.05
	done
	echo "mqtt: mosquitto $("$broker" -h 2>/dev/null | sed -n '1s/.*version //p') on 127.0.0.1:$port (QoS 1, events removed from the outbox on PUBACK)"
else
	echo "mqtt: no [mqtt] host (events stay in the outbox; still committed with fsync)"
fi

# config RUN CAMERA_DIR: a realistic passgated.conf in $work/RUN/
config() {
	mkdir -p "$work/$1/state"
	cat >"$work/$1/passgated.conf" <<EOF
[venue]
id = bench-venue
name = bench
program = national-package
programs_dir = $top/rules/programs
[camera]
source = dir:$2
[gpio]
backend = sim
sim_log = $work/$1/gpio.log
[printer]
device = file:$work/$1/receipts.bin
[trust]
jwks = https://issuer.passgate.test=$work/keys/shc-issuer.jwks.json
cert = $work/keys/dcc-signer.cert.pem
[scan]
repeat_holdoff_s = 1
passback_window_s = 0
[clock]
require_sync = no
[state]
dir = $work/$1/state
EOF
	if [ "$mqtt" = yes ]; then
		printf '[mqtt]\nhost = 127.0.0.1\nport = %s\ncity = bench-city\nkiosk = door-1\n' \
			"$port" >>"$work/$1/passgated.conf"
	fi
	"$daemon" --check-config --config "$work/$1/passgated.conf" >/dev/null
}

pending() {
	"$cli" events stats --state-dir "$work/$1/state" 2>/dev/null | tr '\n' ' ' || true
}

# ---- 1. latency ----
if [ "$scans" -gt 0 ]; then
	$py camera "$work/cam-latency" "$work/cards" "$scans"
	config latency "$work/cam-latency"
	$py scans -v --daemon "$daemon" --config "$work/latency/passgated.conf" \
		--log "$work/latency/daemon.log" --expect "$scans" \
		--gpio "$work/latency/gpio.log" --cards "$cards"
	echo "outbox after the latency run: $(pending latency)"
	rm -rf "$work/cam-latency"
fi

# ---- 2. fsync per scan ----
if [ "$sync_scans" -gt 0 ]; then
	$py camera "$work/cam-sync" "$work/cards" "$sync_scans"
	config sync "$work/cam-sync"
	$py scans -v --daemon "$daemon" --config "$work/sync/passgated.conf" \
		--log "$work/sync/daemon.log" --expect "$sync_scans" --strace "$work/sync/strace.log"
	rm -rf "$work/cam-sync"
fi

# ---- 3. resident memory ----
if [ "$rss_scans" -gt 0 ]; then
	every=$((rss_scans / 10))
	[ "$every" -gt 0 ] || every=1
	$py camera "$work/cam-rss" "$work/cards" "$rss_scans"
	config rss "$work/cam-rss"
	$py scans -v --daemon "$daemon" --config "$work/rss/passgated.conf" \
		--log "$work/rss/daemon.log" --expect "$rss_scans" --rss-every "$every"
	echo "outbox after the rss run: $(pending rss)"
	# What the dir: camera's list of RSS_SCANS file names costs: memory at READY=1 (before
	# the first frame) with this camera, against part 4's 8-file camera.
	config rsslist "$work/cam-rss"
	echo "rss: the same daemon at READY=1 with the $rss_scans-file camera (fresh state):"
	$py ready --daemon "$daemon" --config "$work/rsslist/passgated.conf" --starts 5
	rm -rf "$work/cam-rss"
fi

# ---- 4. start to READY=1 ----
if [ "$starts" -gt 0 ]; then
	mkdir -p "$work/cam-ready"
	for f in $(ls "$work/cards" | head -8); do ln -s "$work/cards/$f" "$work/cam-ready/$f"; done
	config ready "$work/cam-ready"
	$py ready --daemon "$daemon" --config "$work/ready/passgated.conf" --starts "$starts"
	# The same daemon with a libcamera source: camera-libcamera.so, libcamera and its
	# liblttng-ust are loaded and the cameras enumerated (none on a build machine: READY=1
	# with the camera absent). The dir: figure above must not pay for any of it.
	mkdir -p "$work/ready-lc/state"
	sed -e 's|^source = dir:.*|source = libcamera|' -e "s|$work/ready/|$work/ready-lc/|g" \
		"$work/ready/passgated.conf" >"$work/ready-lc/passgated.conf"
	echo "ready: [camera] source = libcamera"
	$py ready --daemon "$daemon" --config "$work/ready-lc/passgated.conf" --starts "$starts"
fi
