#!/bin/sh
# Integration test of the hal/ commands through the real binary: passgate decode (exit codes
# 0/1/2), passgate receipt (preview readable by passgate decode) and passgate hw-test on the sim
# backends (log format, buttons, receipt bytes) and on absent hardware (clean report, exit 1).
set -eu
pg=${PASSGATE_CLI:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# decode: a receipt preview holds a QR code; a plain image does not; a text file is no image.
"$pg" receipt --preview "$tmp/admit.png" --kind admit --qr "HC1:NCFOXN%TS3DH" \
	|| fail "receipt --preview"
out=$("$pg" decode --image "$tmp/admit.png") || fail "decode exit $?"
[ "$out" = "HC1:NCFOXN%TS3DH" ] || fail "decode printed '$out'"
"$pg" receipt --preview "$tmp/none.png" --kind deny --no-qr
set +e
"$pg" decode --image "$tmp/none.png" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || fail "decode of an image without QR: exit $rc, want 1"
echo "not an image" >"$tmp/x.png"
"$pg" decode --image "$tmp/x.png" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "decode of a text file: exit $rc, want 2"
"$pg" decode --image "$tmp/missing.png" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "decode of a missing file: exit $rc, want 2"
"$pg" decode >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "decode without --image: exit $rc, want 2"
set -e

# hw-test on the sim backends: every output change logged as "<µs> <name> <0|1>", both buttons
# reported, the test receipt written as ESC/POS.
printf 'child\nstaff\n' >"$tmp/buttons"
"$pg" hw-test --config none --sim-log "$tmp/gpio.log" --sim-buttons "$tmp/buttons" --buttons-seconds 1 \
	--printer "file:$tmp/receipt.bin" --kanji none >"$tmp/out" || { cat "$tmp/out"; fail "hw-test sim"; }
grep -q '^button: child pressed$' "$tmp/out" || fail "child button not reported"
grep -q '^button: staff pressed$' "$tmp/out" || fail "staff button not reported"
# Issue 9, finding 18: a simulated run says so, on the GPIO line and in the verdict.
grep -q '^hw-test: ok (SIMULATED GPIO: the wiring was not tested)$' "$tmp/out" ||
	fail "hw-test on the simulator did not say ok (SIMULATED ...)"
grep -q '^gpio: SIMULATED (backend sim)' "$tmp/out" || fail "hw-test did not say SIMULATED"
grep -vqE '^[0-9]+ (green|red|buzzer|relay) [01]$' "$tmp/gpio.log" && fail "bad sim log line"
for o in green red buzzer relay; do
	grep -qE "^[0-9]+ $o 1$" "$tmp/gpio.log" || fail "$o never switched on"
done
# Times never go backwards.
sort -n -c -k1,1 "$tmp/gpio.log" || fail "sim log out of order"
head -c 2 "$tmp/receipt.bin" | od -An -tx1 | grep -q '1b 40' || fail "receipt does not start with ESC @"
grep -q "TEST PRINT" "$tmp/receipt.bin" || fail "test receipt text missing"

# Absent hardware is reported, not crashed on: exit 1 with a reason per device.
set +e
"$pg" hw-test --config none --gpio gpiod --printer /dev/usb/lp97 >"$tmp/out2" 2>&1; rc=$?
set -e
[ $rc -eq 1 ] || fail "hw-test on absent hardware: exit $rc, want 1"
if [ ! -e /dev/gpiochip0 ]; then
	grep -q 'gpio: gpiod backend: FAILED: no GPIO chip on this machine' "$tmp/out2" \
		|| fail "no-chip not reported"
fi
grep -q 'printer: /dev/usb/lp97: absent' "$tmp/out2" || fail "absent printer not reported"

# hw-test --config drives the devices passgated.conf names: the daemon's own mapping.
mkdir "$tmp/cam"
cat >"$tmp/passgated.conf" <<EOF
[venue]
id = hwtest
[camera]
source = dir:$tmp/cam
[gpio]
backend = sim
green = GPIO16
sim_log = $tmp/conf-gpio.log
[printer]
device = file:$tmp/conf-receipt.bin
kanji = none
EOF
"$pg" hw-test --config "$tmp/passgated.conf" >"$tmp/out3" || { cat "$tmp/out3"; fail "hw-test --config"; }
grep -q '^gpio: green (GPIO16) on' "$tmp/out3" || fail "hw-test --config ignored [gpio] green"
grep -qE '^[0-9]+ green 1$' "$tmp/conf-gpio.log" || fail "hw-test --config: no sim log"
grep -q "TEST PRINT" "$tmp/conf-receipt.bin" || fail "hw-test --config: no receipt in the file"
grep -q "^camera: dir:$tmp/cam: " "$tmp/out3" || fail "hw-test --config: camera not tested"
# A later flag overrides the file.
"$pg" hw-test --config "$tmp/passgated.conf" --printer none >"$tmp/out4" || fail "override"
grep -q '^printer: none configured$' "$tmp/out4" || fail "--printer did not override [printer]"
echo "hal_cli: ok"
