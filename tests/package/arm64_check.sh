#!/bin/sh
# arm64_check.sh DEBDIR: acceptance 3 of issue 14. The arm64 passgate .deb (scripts/package --arch
# arm64) is installed with apt into a clean arm64 bookworm root run under qemu-user-static
# (binfmt_misc), and `passgate verify` and `passgate check` there must print the same JSON as the
# amd64 package's binaries on this machine, for the SMART Health Card spec examples and EU DCC
# test data (PASSGATE_CONFORMANCE_DIR). Needs root; the first run debootstraps the arm64 root
# under emulation (long). The command and its result are recorded in docs/packaging.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
debdir=$(cd "$1" && pwd)
conf=${PASSGATE_CONFORMANCE_DIR:-$here/../../../shared/conformance}
. "$here/container.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot)"
[ -d "$conf/shc/examples" ] || { echo "no conformance corpus at $conf" >&2; exit 1; }
version=$(dpkg-parsechangelog -l "$here/../../debian/changelog" -S Version)
deb_arm64=$debdir/passgate_${version}_arm64.deb
deb_host=$debdir/passgate_${version}_$(dpkg --print-architecture).deb
for f in "$deb_arm64" "$deb_host"; do
	[ -f "$f" ] || { echo "missing $f: run scripts/package (--arch arm64)" >&2; exit 1; }
done

# binfmt_misc: the kernel runs arm64 programs through qemu-aarch64-static.
[ -e /proc/sys/fs/binfmt_misc/status ] ||
	mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
	skip "binfmt_misc is not available on this machine"
update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] ||
	skip "qemu-aarch64 is not registered in binfmt_misc (install qemu-user-static)"

base=$(container_base arm64)
work=$(mktemp -d "$cache/arm64-check.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cp -a "$base" "$work/root"
mkdir -p "$cache/apt-archives/partial" "$work/root/cases"

# The cases: one line of arguments each (TAB-separated), file names relative to cases/.
python3 - "$conf" "$work/root/cases" <<'PY'
import glob, json, os, sys
conf, out = sys.argv[1], sys.argv[2]
lines = []
ex = os.path.join(conf, "shc/examples")
iss = "https://spec.smarthealth.cards/examples/issuer"
with open(os.path.join(ex, "issuer/.well-known/jwks.json")) as f:
    open(os.path.join(out, "shc.jwks.json"), "w").write(f.read())
for i, path in enumerate(sorted(glob.glob(os.path.join(ex, "example-*-f-qr-code-numeric-value-0.txt")))):
    name = f"shc-{i}.txt"
    open(os.path.join(out, name), "w").write(open(path).read())
    lines.append(["--at", "2024-01-01T09:00:00+09:00", "--no-default-trust", "--trust-jwks",
                  f"{iss}=shc.jwks.json", "--payload-file", name])
for i, path in enumerate(sorted(glob.glob(os.path.join(conf, "dcc/testdata/*/2DCode/raw/*.json")))[:40]):
    try:
        d = json.load(open(path))
        prefix, ctx = d["PREFIX"], d["TESTCTX"]
        cert, clock = ctx["CERTIFICATE"], ctx["VALIDATIONCLOCK"]
    except (KeyError, TypeError, ValueError):
        continue
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(cert[j:j + 64] for j in range(0, len(cert), 64)) + "\n-----END CERTIFICATE-----\n"
    open(os.path.join(out, f"dcc-{i}.pem"), "w").write(pem)
    open(os.path.join(out, f"dcc-{i}.txt"), "w").write(prefix)
    lines.append(["--at", clock, "--no-default-trust", "--trust-cert", f"dcc-{i}.pem",
                  "--payload-file", f"dcc-{i}.txt"])
with open(os.path.join(out, "cases.tsv"), "w") as f:
    for l in lines:
        f.write("\t".join(l) + "\n")
print(f"{len(lines)} cases", file=sys.stderr)
PY

# run.sh BIN PROGRAMS: in cases/, verify and check (national-package) of every case, one JSON line each.
cat >"$work/root/cases/run.sh" <<'RUN'
#!/bin/sh
bin=$1
programs=$2
cd "$(dirname "$0")"
tab=$(printf '\t')
while IFS="$tab" read -r a1 a2 a3 a4 a5 a6 a7; do
	"$bin" verify "$a1" "$a2" "$a3" "$a4" "$a5" "$a6" "$a7" || true
	"$bin" check --program national-package --programs-dir "$programs" --tz Asia/Tokyo \
		"$a1" "$a2" "$a3" "$a4" "$a5" "$a6" "$a7" || true
done
RUN

echo "== apt install the arm64 package in the arm64 root (qemu)"
cp "$deb_arm64" "$work/root/root/"
mount --bind "$cache/apt-archives" "$work/root/var/cache/apt/archives"
trap 'umount "$work/root/var/cache/apt/archives" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
DEBIAN_FRONTEND=noninteractive chroot "$work/root" apt-get install -y -q --no-install-recommends \
	"/root/$(basename "$deb_arm64")" >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log" >&2; exit 1; }
chroot "$work/root" sh -c 'uname -m; file -b /usr/bin/passgate 2>/dev/null || od -An -tx1 -j18 -N2 /usr/bin/passgate'
chroot "$work/root" sh /cases/run.sh /usr/bin/passgate /usr/share/passgate/programs \
	</"$work/root/cases/cases.tsv" >"$work/arm64.json" 2>"$work/arm64.err"

echo "== the same with the $(dpkg --print-architecture) package's binary on this machine"
mkdir "$work/host"
dpkg-deb -x "$deb_host" "$work/host"
sh "$work/root/cases/run.sh" "$work/host/usr/bin/passgate" "$work/host/usr/share/passgate/programs" \
	<"$work/root/cases/cases.tsv" >"$work/host.json" 2>"$work/host.err"

n=$(wc -l <"$work/host.json")
valid=$(grep -c '"valid":true' "$work/host.json" || true)
echo "host: $n JSON lines ($valid with \"valid\":true); arm64: $(wc -l <"$work/arm64.json")"
[ "$n" -gt 0 ] || { cat "$work/host.err" >&2; exit 1; }
if ! cmp -s "$work/host.json" "$work/arm64.json"; then
	diff "$work/host.json" "$work/arm64.json" | head -n 20 >&2
	echo "FAIL: arm64 and $(dpkg --print-architecture) outputs differ" >&2
	exit 1
fi
echo "ok: arm64 and $(dpkg --print-architecture) give the same $n JSON lines"
