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
# Five rounds, alternating the two programs so that both see the same load; the report gives
# the best of each and the median of the per-round ratios (the same method as verify-dcc.sh).
best_shc=0 best_ossl=0
ratios=""
for round in 1 2 3 4 5; do
	# openssl speed prints a table; the last column of the 256-bit nistp256 row is verifies/s.
	ossl=$(openssl speed -seconds "$seconds" ecdsap256 2>/dev/null |
		awk '/256 bits ecdsa \(nistp256\)/ {print $NF}')
	out=$("$top/build/bench/bench/bench_verify_shc" "$seconds")
	shc=$(echo "$out" | awk '/^shc_verify\/s/ {print $2}')
	ratio=$(awk -v s="$shc" -v o="$ossl" 'BEGIN { printf "%.2f", s / o }')
	ratios="$ratios $ratio"
	echo "round $round: openssl_ecdsap256_verify/s $ossl shc_verify/s $shc ratio $ratio"
	best_shc=$(awk -v a="$best_shc" -v b="$shc" 'BEGIN { print (b > a ? b : a) }')
	best_ossl=$(awk -v a="$best_ossl" -v b="$ossl" 'BEGIN { print (b > a ? b : a) }')
done
echo "$out" | grep shc_text_bytes
echo "best: openssl_ecdsap256_verify/s $best_ossl shc_verify/s $best_shc"
awk -v s="$best_shc" -v o="$best_ossl" 'BEGIN { printf "ratio shc_verify / openssl %.2f (budget >= 0.50)\n", s / o }'
echo "median of the per-round ratios: $(echo $ratios | tr ' ' '\n' | sort -n | sed -n 3p)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), cpus: $(nproc)"
