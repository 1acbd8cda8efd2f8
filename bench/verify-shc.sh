#!/bin/sh
# SMART Health Card verifications per second against OpenSSL's raw ECDSA P-256 verify rate
# (DESIGN.md budget: >= 50%), in the same run. Builds a Release tree in build/bench (no
# sanitizers) and prints the figures; the report is bench/verify.md.
#   bench/verify-shc.sh [SECONDS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-2}
cmake -S "$top" -B "$top/build/bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$top/build/bench" --target bench_verify_shc >/dev/null
out=$("$top/build/bench/bench/bench_verify_shc" "$seconds")
echo "$out"
# openssl speed prints a table; the last column of the 256-bit nistp256 row is verifies/s.
ossl=$(openssl speed -seconds "$seconds" ecdsap256 2>/dev/null |
	awk '/256 bits ecdsa \(nistp256\)/ {print $NF}')
echo "openssl_ecdsap256_verify/s $ossl"
shc=$(echo "$out" | awk '/^shc_verify\/s/ {print $2}')
awk -v s="$shc" -v o="$ossl" 'BEGIN { printf "ratio %.2f (budget >= 0.50)\n", s / o }'
