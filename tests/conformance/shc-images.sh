#!/bin/sh
# shc-images.sh - the image rows of shc/devtools-testdata/MANIFEST.tsv, through the kiosk's own
# decoder (`passgate verify --image`): every REJECT row is rejected with the step that fails,
# every ACCEPT row (and the rows whose content the MANIFEST calls valid) verifies. Chunked codes
# are refused (`encoding`, docs/credentials.md). Read unchanged from $PASSGATE_CONFORMANCE_DIR.
set -eu
: "${PASSGATE_CLI:?}" "${PASSGATE_CONFORMANCE_DIR:?}"
dt="$PASSGATE_CONFORMANCE_DIR/shc/devtools-testdata"
jwks="$PASSGATE_CONFORMANCE_DIR/shc/examples/issuer/.well-known/jwks.json"
iss="https://spec.smarthealth.cards/examples/issuer"
passed=0
failed=0

check() { # file expected-error ("-" = valid)
	out=$("$PASSGATE_CLI" verify --at 2024-01-01T09:00:00+09:00 --trust-jwks "$iss=$jwks" \
		--no-default-trust --image "$dt/$1" 2>&1) || true
	got=$(printf '%s' "$out" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print("-" if d["valid"] else d["error"])' 2>/dev/null || echo "bad-output")
	if [ "$got" = "$2" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $1: got $got, want $2 ($out)"
	fi
}

check test-example-00-g-qr-code-0-corrupted.png unreadable          # REJECT (no decode)
check test-example-00-g-qr-code-0-bad_qr_version.png -              # content valid
check test-example-00-g-qr-code-inflated-to-v22.png -               # ACCEPT
check test-example-00-g-qr-code-0-single_qr_segment.png -           # content valid
check test-example-00-g-qr-code-0-too_many_qr_segment.png encoding  # REJECT (non-digit data)
check test-example-00-g-qr-code-0-qr_chunk_too_small.png encoding   # chunked: refused
check test-example-00-g-qr-code-1-qr_chunk_too_small.png encoding   # chunked: refused
check test-example-00-g-qr-code-0-scaled-23.jpg -                   # tiny QR: still read
check test-example-00-g-qr-code-0-scaled-85.jpg -                   # ACCEPT
check test-invalid-jws-payload.png syntax                           # REJECT
check shlink-qr.png unreadable                                      # SMART Health Link: not ours
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
