#!/bin/sh
# The hard-frame bench: mints DCC and SHC payloads with `passgate issue-test`, draws them into
# frames a door camera gives (bench/hardframes.c: sizes, blur, low contrast, rotation,
# perspective, a phone screen with moire and glare, inverted) and reads every frame with the
# camera path, the CLI and zbar. The frames are kept in OUT_DIR (default: a temporary directory),
# with the payloads in OUT_DIR/payloads.txt; a second run on the same OUT_DIR reuses them, so that
# it draws the same frames (signatures are randomized: new payloads draw other codes).
#   bench/hardframes.sh [BUILD_DIR] [CONFORMANCE_DIR] [OUT_DIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/release}
conf=${2:-${PASSGATE_CONFORMANCE_DIR:-$top/../shared/conformance}}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target hardframes passgate >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${3:-$tmp/frames}
mkdir -p "$out"
pg=$build/cli/passgate
if [ -s "$out/payloads.txt" ]; then
	exec "$build/tests/hardframes" "$out/payloads.txt" "$conf/dcc/testdata/CY" "$out"
fi
"$pg" issue-test keygen --dir "$tmp/keys" >/dev/null
# Real issuers' payloads: EU DCCs (vaccination, test, recovery-sized) and SMART Health Cards.
i=0
for name in "Maria,Garcia Lopez" "Jan,Novak" "Anna-Lena,Schmidt-Mueller" "Li,Wei" \
	"Jean-Baptiste,De La Fontaine" "Aiko,Tanaka"; do
	given=${name%%,*} family=${name#*,}
	i=$((i + 1))
	"$pg" issue-test dcc --dir "$tmp/keys" --given "$given" --family "$family" \
		--birth-date 198$i-0$i-1$i --vaccination 2021-0$i-15 --country DE >>"$tmp/payloads"
done
"$pg" issue-test dcc --dir "$tmp/keys" --given Ola --family Nordmann --birth-date 1990-02-03 \
	--test "pcr,2021-09-01T10:00:00Z,negative" --country NO >>"$tmp/payloads"
for name in "John,Anyperson" "Sam,Lee"; do
	"$pg" issue-test shc --dir "$tmp/keys" --given "${name%%,*}" --family "${name#*,}" \
		--birth-date 1960-01-20 --vaccination 2021-01-01 --vaccination 2021-01-29 \
		>>"$tmp/payloads"
done
cp "$tmp/payloads" "$out/payloads.txt"
awk '{ print substr($0, 1, 5), length($0) " chars" }' "$tmp/payloads" | sort | uniq -c
exec "$build/tests/hardframes" "$out/payloads.txt" "$conf/dcc/testdata/CY" "$out"
