#!/bin/sh
# Read rate of `passgate decode --image` against zbarimg on the same QR image corpora:
# the DCC quality-assurance images, the Cypriot phone photos and the SHC example PNGs.
#   bench/decode-readrate.sh [PASSGATE] [CONFORMANCE_DIR]
# Prints, per corpus, how many images each tool read, and the files only one of them read.
# With READRATE_CHECK=1 (the conformance test) it exits 1 when passgate reads fewer than zbarimg.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
passgate=${1:-${PASSGATE_CLI:-$top/build/release/cli/passgate}}
conf=${2:-${PASSGATE_CONFORMANCE_DIR:-$top/../shared/conformance}}
command -v zbarimg >/dev/null || { echo "zbarimg not installed (zbar-tools)" >&2; exit 2; }
[ -x "$passgate" ] || { echo "no passgate binary at $passgate" >&2; exit 2; }
jobs=$(nproc 2>/dev/null || echo 2)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

corpus() { # name dir
	find "$2" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \) | sort >"$tmp/$1.list"
	total=$(wc -l <"$tmp/$1.list")
	# One line per file read: the file name. Tab-separated lists survive spaces in names.
	tr '\n' '\0' <"$tmp/$1.list" | xargs -0 -P "$jobs" -n 1 sh -c \
		'"$0" decode --image "$1" >/dev/null 2>&1 && echo "$1"' "$passgate" \
		| sort >"$tmp/$1.pg"
	tr '\n' '\0' <"$tmp/$1.list" | xargs -0 -P "$jobs" -n 1 sh -c \
		'zbarimg -q --raw -Sdisable -Sqrcode.enable "$1" >/dev/null 2>&1 && echo "$1"' zbarimg \
		| sort >"$tmp/$1.zb"
	pg=$(wc -l <"$tmp/$1.pg")
	zb=$(wc -l <"$tmp/$1.zb")
	printf '%-22s images %4d  passgate %4d  zbarimg %4d\n' "$1" "$total" "$pg" "$zb"
	[ "$pg" -ge "$zb" ] || worse=1
	comm -13 "$tmp/$1.pg" "$tmp/$1.zb" | sed "s|^$conf/|    only zbarimg: |"
	comm -23 "$tmp/$1.pg" "$tmp/$1.zb" | sed "s|^$conf/|    only passgate: |"
}

worse=0
echo "passgate: $passgate"
echo "zbarimg:  $(zbarimg --version 2>&1 | head -1)"
corpus dcc-qa-images "$conf/dcc/qa-images"
corpus dcc-CY-photos "$conf/dcc/testdata/CY"
corpus shc-rendered-png "$conf/shc/examples/rendered-png"
if [ "${READRATE_CHECK:-0}" = 1 ] && [ "$worse" = 1 ]; then
	echo "FAIL: passgate read fewer images than zbarimg" >&2
	exit 1
fi
