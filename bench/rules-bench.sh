#!/bin/sh
# Rule evaluations per second for each program (report: bench/rules.md).
#   bench/rules-bench.sh [ITERATIONS]
# Builds the release configuration (gcc -O3 with the shipped hardening) and runs rules-bench
# on the real program files: microseconds of process CPU time per rules_judge() call, best of
# 5 rounds. Then, when valgrind is installed, the instructions per call (callgrind Ir,
# difference of two run lengths so that start-up cancels out): a figure that does not depend
# on the machine's load.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release --target rules-bench >/dev/null
bench=build/release/rules/rules-bench
echo "# $(uname -m), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" rules/programs "${1:-20000}"
command -v valgrind >/dev/null || exit 0
ir() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" rules/programs "$1" "$2" 2>&1 |
		awk '/Collected/ { print $4 }'
}
echo
printf '%-22s %s\n' program "instructions per rules_judge() (mean of the three people)"
for p in $("$bench" rules/programs 1 | awk 'NR > 1 { print $1 }'); do
	a=$(ir 200 "$p")
	b=$(ir 400 "$p")
	# 200 more iterations x 5 rounds x 3 people
	printf '%-22s %d\n' "$p" $(((b - a) / 3000))
done
