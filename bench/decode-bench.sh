#!/bin/sh
# Decode time per frame, passgate vs zbar, at 1280x720 and 640x480, with and without a QR code.
#   bench/decode-bench.sh [BUILD_DIR] [CONFORMANCE_DIR] [ROUNDS]
# Uses a release build (default build/release, configured by scripts/test); libzbar-dev needed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/release}
conf=${2:-${PASSGATE_CONFORMANCE_DIR:-$top/../shared/conformance}}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target decode_bench >/dev/null
exec "$build/tests/decode_bench" "$conf" "${3:-5}"
