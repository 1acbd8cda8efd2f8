#!/bin/sh
# Rule evaluations per second for each program (report: bench/rules.md).
#   bench/rules-bench.sh [ITERATIONS]
# Builds the release configuration (gcc, -O3, hardening as shipped) and runs rules-bench on the
# real program files. Prints microseconds of process CPU time per rules_judge() call.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release --target rules-bench >/dev/null
echo "# $(uname -m), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
build/release/rules/rules-bench rules/programs "${1:-20000}"
