#!/bin/sh
# dcc-cli.sh - acceptance 2 of issue 2 (EU DCC half), through the real CLI: a DCC minted by a
# key the test generates (`passgate issue-test keygen` + `issue-test dcc`) verifies with
# `passgate verify --trust-cert`; the same DCC with one payload byte changed is
# signature-invalid; an unknown signer is issuer-unknown; expiry follows --at.
set -eu
: "${PASSGATE_CLI:?}" "${DCC_TAMPER:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$PASSGATE_CLI" issue-test keygen --dir "$work/keys"
mkdir "$work/other"
"$PASSGATE_CLI" issue-test keygen --dir "$work/other"
"$PASSGATE_CLI" issue-test dcc --dir "$work/keys" --family Yamada --given Taro \
	--birth-date 1980-02-03 --vaccination 2021-06-01 --iat 2023-12-31T00:00:00Z \
	--exp 2024-12-31T00:00:00Z >"$work/a.txt"
grep -q '^HC1:' "$work/a.txt" || fail "issue-test dcc did not print HC1: text"

verify() { # file cert [--at TIME]
	f=$1 cert=$2
	shift 2
	set +e
	"$PASSGATE_CLI" verify --at "${AT:-2024-01-01T09:00:00+09:00}" --no-default-trust \
		--trust-cert "$cert" --payload-file "$f" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	set -e
}

verify "$work/a.txt" "$work/keys/dcc-signer.cert.pem"
[ "$rc" -eq 0 ] || fail "valid DCC: exit $rc: $(cat "$work/out" "$work/err")"
grep -q '"valid":true,"format":"dcc","error":null' "$work/out" || fail "not valid: $(cat "$work/out")"
grep -q '"fn":"Yamada","gn":"Taro"' "$work/out" || fail "name"
grep -q '"dob":"1980-02-03"' "$work/out" || fail "dob"
[ ! -s "$work/err" ] || fail "stderr not empty"

# One byte of the payload changed (the family name), signature kept.
"$DCC_TAMPER" Yamada K <"$work/a.txt" >"$work/b.txt"
cmp -s "$work/a.txt" "$work/b.txt" && fail "tamper changed nothing"
verify "$work/b.txt" "$work/keys/dcc-signer.cert.pem"
[ "$rc" -eq 1 ] || fail "tampered DCC: exit $rc"
grep -q '"valid":false,"format":"dcc","error":"signature-invalid"' "$work/out" ||
	fail "tampered DCC: $(cat "$work/out")"
grep -q 'Kamada\|Yamada' "$work/out" && fail "refused DCC printed the name"

# Another signer's certificate: the kid is unknown.
verify "$work/a.txt" "$work/other/dcc-signer.cert.pem"
[ "$rc" -eq 1 ] || fail "unknown signer: exit $rc"
grep -q '"error":"issuer-unknown"' "$work/out" || fail "unknown signer: $(cat "$work/out")"

# Validity at other times.
AT=2025-01-02T00:00:00Z verify "$work/a.txt" "$work/keys/dcc-signer.cert.pem"
grep -q '"error":"credential-expired"' "$work/out" || fail "expired: $(cat "$work/out")"
AT=2023-12-30T00:00:00Z verify "$work/a.txt" "$work/keys/dcc-signer.cert.pem"
grep -q '"error":"credential-not-yet-valid"' "$work/out" || fail "not yet valid: $(cat "$work/out")"

# Not a DCC at all.
printf 'HC1:bb8\n' >"$work/c.txt"
verify "$work/c.txt" "$work/keys/dcc-signer.cert.pem"
grep -q '"error":"encoding"' "$work/out" || fail "bad base45: $(cat "$work/out")"
# `passgate trust import --dcc-revocation`: the DCC's UCI listed -> revoked, with the store
# (--state-dir) as the daemon would read it. The hash: the first 16 bytes of SHA-256 of
# "URN:UVCI:01:JP:CLI-REVOKED", computed with Python's hashlib.
"$PASSGATE_CLI" issue-test dcc --dir "$work/keys" --id URN:UVCI:01:JP:CLI-REVOKED \
	--vaccination 2021-06-01 --iat 2023-12-31T00:00:00Z --exp 2024-12-31T00:00:00Z >"$work/r.txt"
hash=fzwSze2zEWx8xGtQEYPuUw==
printf '{"country":"JP","expires":"2030-01-01T00:00:00Z","kid":"UNKNOWN_KID","hashType":"UCI","entries":[{"hash":"%s"}]}' \
	"$hash" >"$work/rev.json"
mkdir "$work/state"
verify "$work/r.txt" "$work/keys/dcc-signer.cert.pem"
[ "$rc" -eq 0 ] || fail "before revocation: exit $rc: $(cat "$work/out" "$work/err")"
"$PASSGATE_CLI" trust --state-dir "$work/state" import --dcc-revocation "$work/rev.json" ||
	fail "import --dcc-revocation"
verify "$work/r.txt" "$work/keys/dcc-signer.cert.pem" --state-dir "$work/state"
grep -q '"valid":false,"format":"dcc","error":"revoked"' "$work/out" ||
	fail "revoked DCC: $(cat "$work/out")"
verify "$work/a.txt" "$work/keys/dcc-signer.cert.pem" --state-dir "$work/state"
[ "$rc" -eq 0 ] || fail "another DCC of the signer is not revoked: $(cat "$work/out")"

# `passgate trust import --dsc-list`: four real DSCs of the EU list; a changed kid is refused
# with the entry's index and changes nothing.
sample="$PASSGATE_SOURCE_DIR/tests/golden/trust/dsc-list-sample.json"
"$PASSGATE_CLI" trust --state-dir "$work/state" import --dsc-list "$sample" || fail "--dsc-list"
[ "$("$PASSGATE_CLI" trust --state-dir "$work/state" list | grep -c '"type":"dcc"')" -eq 4 ] ||
	fail "the DSC list's four certificates are not listed"
sed '0,/"kid": "/s//"kid": "AAAA/' "$sample" >"$work/bad-dsc.json"
mkdir "$work/state2"
set +e
"$PASSGATE_CLI" trust --state-dir "$work/state2" import --dsc-list "$work/bad-dsc.json" \
	2>"$work/err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "tampered DSC list: exit $rc"
grep -q 'certificate 0: kid is not' "$work/err" || fail "tampered DSC list: $(cat "$work/err")"
[ -z "$("$PASSGATE_CLI" trust --state-dir "$work/state2" list | grep '"type":"dcc"')" ] ||
	fail "a refused DSC list imported something"
echo "dcc-cli: ok"
