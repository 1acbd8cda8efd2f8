#!/bin/sh
# install_prefix.sh BUILD SBINDIR: `cmake --install BUILD --prefix DIR` puts every file below DIR
# (staged under a DESTDIR, so that a file escaping DIR shows), and the unit names the configured
# SBINDIR (its paths follow CMAKE_INSTALL_PREFIX).
set -eu
build=$1
sbindir=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
DESTDIR=$stage cmake --install "$build" --prefix /opt/passgate-test >"$stage.log" 2>&1 ||
	{ cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
outside=$(cd "$stage" && find . -type f ! -path './opt/passgate-test/*')
[ -z "$outside" ] || { echo "installed outside the prefix: $outside" >&2; exit 1; }
for f in sbin/passgated bin/passgate etc/passgate/passgated.conf \
	share/passgate/passgated.conf.sample share/passgate/programs/national-package.json \
	lib/systemd/system/passgated.service lib/sysusers.d/passgate.conf \
	lib/tmpfiles.d/passgate.conf share/man/man8/passgated.8; do
	[ -f "$stage/opt/passgate-test/$f" ] || { echo "missing: $f" >&2; exit 1; }
done
grep -q "^ExecStart=$sbindir/passgated " "$stage/opt/passgate-test/lib/systemd/system/passgated.service" ||
	{ echo "the unit does not name $sbindir/passgated" >&2; exit 1; }
echo "ok: everything under the prefix; the unit runs $sbindir/passgated"
