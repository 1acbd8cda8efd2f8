#!/bin/sh
# shc-cli.sh - acceptance 2 of issue 2, through the real CLI: a card minted with the SHC spec
# example issuer's published private key verifies with `passgate verify --payload-file` (as
# numeric QR text, JWS, and a .smart-health-card file); the same card with one payload byte
# changed does not (signature-invalid). Also: the trust store CLI round trip, exit statuses,
# and that nothing personal is written to stderr or to the state directory.
set -eu
: "${PASSGATE_CLI:?}" "${PASSGATE_CONFORMANCE_DIR:?}"
ex="$PASSGATE_CONFORMANCE_DIR/shc/examples"
priv="$ex/generate-examples-src/src_config_issuer.jwks.private.json"
jwks="$ex/issuer/.well-known/jwks.json"
iss="https://spec.smarthealth.cards/examples/issuer"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Numeric QR text to JWS: each digit pair + 45 is one character (SHC spec).
numeric_to_jws() {
	sed 's|^shc:/||' | fold -w2 | awk '{ printf "%c", $1 + 45 }'
}

mint() { # family
	"$PASSGATE_CLI" issue-test shc --key "$priv" --issuer "$iss" --family "$1" \
		--given Taro --birth-date 1980-02-03 --vaccination 2021-06-01 \
		--vaccination 2021-07-01 --test antigen-rapid,2023-12-31T10:00:00+09:00,negative \
		--nbf 2023-12-31T00:00:00Z --exp 2024-12-31T00:00:00Z
}

verify() { # file [extra args]
	f=$1
	shift
	set +e
	"$PASSGATE_CLI" verify --at 2024-01-01T09:00:00+09:00 --trust-jwks "$iss=$jwks" \
		--no-default-trust --payload-file "$f" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	set -e
	return 0
}

mint Yamada >"$work/a.txt"
mint Yamadb >"$work/b.txt" # one byte of the payload JSON differs
grep -q '^shc:/[0-9]*$' "$work/a.txt" || fail "issue-test shc did not print numeric text"
numeric_to_jws <"$work/a.txt" >"$work/a.jws"
numeric_to_jws <"$work/b.txt" >"$work/b.jws"
printf '{"verifiableCredential":["%s"]}\n' "$(cat "$work/a.jws")" >"$work/a.smart-health-card"

for f in a.txt a.jws a.smart-health-card; do
	verify "$work/$f"
	[ "$rc" -eq 0 ] || fail "$f: exit $rc: $(cat "$work/out" "$work/err")"
	grep -q '"valid":true' "$work/out" || fail "$f: not valid"
	grep -q '"fn":"Yamada","gn":"Taro"' "$work/out" || fail "$f: name"
	grep -q '"dob":"1980-02-03"' "$work/out" || fail "$f: dob"
	grep -q '"v":\[{"dn":1,"sd":null,"dt":"2021-06-01","mp":"208","tg":"840539006"},{"dn":2' \
		"$work/out" || fail "$f: doses"
	grep -q '"t":\[{"kind":"antigen-rapid","tt":"94558-4","sc":"2023-12-31T01:00:00Z","tr":"260415000","result":"negative"}\]' \
		"$work/out" || fail "$f: test"
	[ ! -s "$work/err" ] || fail "$f: stderr not empty"
done

# The forgery: card b's header and payload with card a's signature.
{
	cut -d. -f1,2 "$work/b.jws" | tr -d '\n'
	printf '.'
	cut -d. -f3 "$work/a.jws"
} >"$work/forged.jws"
verify "$work/forged.jws"
[ "$rc" -eq 1 ] || fail "forged: exit $rc"
grep -q '"valid":false,"format":"shc","error":"signature-invalid"' "$work/out" ||
	fail "forged: $(cat "$work/out")"
grep -q '"credential":null' "$work/out" || fail "forged: credential shown"

# Time and trust: expired after exp (+ skew), unknown without the issuer's keys.
verify "$work/a.txt" --at 2025-01-01
grep -q '"error":"credential-expired"' "$work/out" || fail "expired: $(cat "$work/out")"
set +e
"$PASSGATE_CLI" verify --at 2024-01-01 --payload-file "$work/a.txt" >"$work/out" 2>"$work/err"
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q '"error":"issuer-unknown"' "$work/out" || fail "untrusted"

# Usage and I/O errors exit 2.
set +e
"$PASSGATE_CLI" verify --payload-file "$work/nonexistent" >/dev/null 2>&1
[ $? -eq 2 ] || fail "missing file"
"$PASSGATE_CLI" verify --at yesterday --payload x >/dev/null 2>&1
[ $? -eq 2 ] || fail "bad --at"
# --image decodes the spec's rendered QR (no trust given: the issuer is unknown, exit 1).
"$PASSGATE_CLI" verify --image "$ex/rendered-png/example-00-g-qr-code-0.png" >"$work/out" 2>"$work/err"
[ $? -eq 1 ] && grep -q '"format":"shc","error":"issuer-unknown","issuer":"https://spec.smarthealth.cards/examples/issuer","kid":"3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"' "$work/out" ||
	fail "--image: $(cat "$work/out" "$work/err")"
"$PASSGATE_CLI" verify --trust-jwks "$iss=$PASSGATE_CONFORMANCE_DIR/shc/devtools-testdata/private_key.json" \
	--payload x >/dev/null 2>&1
[ $? -eq 2 ] || fail "private key set accepted"
set -e

# The trust store: import, verify from the store (revocation of example 03), list, remove.
state="$work/state"
"$PASSGATE_CLI" trust --state-dir "$state" import --jwks "$iss=$jwks" \
	--crl "$iss=$ex/issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json" \
	--vci "$PASSGATE_SHARED_DIR/trust/vci-issuers.json" --default
[ "$("$PASSGATE_CLI" trust --state-dir "$state" list | wc -l)" -eq 5 ] || fail "list"
set +e
"$PASSGATE_CLI" verify --state-dir "$state" --at 2024-01-01 \
	--payload-file "$ex/example-03-f-qr-code-numeric-value-0.txt" >"$work/out"
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q '"error":"revoked"' "$work/out" || fail "revoked: $(cat "$work/out")"
"$PASSGATE_CLI" verify --state-dir "$state" --at 2024-01-01 \
	--payload-file "$ex/example-00-e-file.smart-health-card" | grep -q '"valid":true' ||
	fail "store verify"
# No personal data in the state directory (names of the example cards, birth dates).
if grep -r -a -q -e Anyperson -e Revoked -e 1951-01-20 -e Yamada "$state"; then
	fail "personal data in the state directory"
fi
"$PASSGATE_CLI" trust --state-dir "$state" remove "$iss"
set +e
"$PASSGATE_CLI" trust --state-dir "$state" remove "$iss" 2>/dev/null
[ $? -eq 1 ] || fail "second remove"
"$PASSGATE_CLI" trust --state-dir "$state" import \
	--jwks "$iss=$PASSGATE_CONFORMANCE_DIR/shc/devtools-testdata/wrong_kid_key.json" 2>/dev/null
[ $? -eq 1 ] || fail "wrong kid accepted"
set -e
[ "$("$PASSGATE_CLI" trust --state-dir "$state" list | wc -l)" -eq 3 ] || fail "after remove"
echo "shc-cli: ok"
