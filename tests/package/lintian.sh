#!/bin/sh
# lintian.sh DEBDIR: lintian on every package scripts/package made (this architecture's and the
# architecture-independent ones): no error. Kept warnings are overridden, with the reason, in
# debian/*.lintian-overrides.
set -eu
debdir=$1
command -v lintian >/dev/null || { echo "SKIPPED: lintian is missing (scripts/setup --test)" >&2; exit 77; }
version=$(dpkg-parsechangelog -l "$(dirname "$0")/../../debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
set -- "$debdir"/*_"$version"_"$arch".deb
for f in "$debdir"/*_"$version"_all.deb; do [ -e "$f" ] && set -- "$@" "$f"; done
[ -e "$1" ] || { echo "no packages of $version in $debdir: run scripts/package" >&2; exit 1; }
# lintian refuses nothing as root but says it is not recommended; its verdict is the same.
lintian --fail-on error --display-info --pedantic "$@" 2>&1 | grep -v "running with root privileges"
echo "lintian: no error in $*"
