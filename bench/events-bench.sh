#!/bin/sh
# bench/events-bench.sh - events per second through the outbox and the uplink (issue 5).
#
#   bench/events-bench.sh [BUILD_DIR] [N]      (defaults: build/release 20000)
#
# 1. durable: N events built (with a token) and committed one transaction each, WAL +
#    synchronous=FULL, i.e. one fsync per event: what passgated can decide per second.
# 2. publish: the same N events, waiting in the outbox, published at QoS 1 to a local mosquitto
#    (loopback, free port) until every PUBACK has removed its row (acks are batched per dispatch).
# Both use tests/integration/uplink_publisher, the poll() loop the integration tests drive.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/release}
n=${2:-20000}
pub=$build/tests/uplink_publisher
broker=${MOSQUITTO_BROKER:-/usr/sbin/mosquitto}
[ -x "$pub" ] || { echo "build $pub first (cmake --build $build)" >&2; exit 2; }

tmp=$(mktemp -d)
broker_pid=
cleanup() {
	[ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
mkdir "$tmp/state"
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f events/s (%.2f s)", n / (b - a), b - a }'; }

t0=$(now)
"$pub" --state-dir "$tmp/state" --total "$n" --burst 1000 --no-wait >/dev/null
t1=$(now)
echo "durable (outbox_add, fsync each): $n events: $(rate "$n" "$t0" "$t1")"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'user %s\nlistener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' \
	"$(id -un)" "$port" >"$tmp/mosquitto.conf"
"$broker" -c "$tmp/mosquitto.conf" >"$tmp/broker.log" 2>&1 &
broker_pid=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "broker did not start" >&2; exit 1; }; sleep 0.05
done
t0=$(now)
out=$("$pub" --state-dir "$tmp/state" --port "$port" --total "$n")
t1=$(now)
echo "$out" | grep -q '"pending":0,' || { echo "not all delivered: $out" >&2; exit 1; }
echo "published (QoS 1, PUBACK, row removed): $n events: $(rate "$n" "$t0" "$t1")"
echo "filesystem: $(df -T "$tmp" | awk 'NR==2 { print $2 }'), $(nproc) CPUs, $(uname -m)"
