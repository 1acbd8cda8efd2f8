#!/bin/sh
# deb_container.sh DEBDIR PACKAGE: the acceptance test of one package in a container. Boots a copy
# of the cached clean bookworm root (container.sh), copies DEBDIR/PACKAGE_*_amd64.deb into it and
# runs check-PACKAGE.sh there. Skips (77) with a message where no container can be made.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
debdir=$1
pkg=$2
. "$here/container.sh"

container_can
arch=$(dpkg --print-architecture)
deb=$(ls "$debdir/${pkg}"_*_"$arch".deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "no $debdir/${pkg}_*_$arch.deb: run scripts/package" >&2; exit 1; }

base=$(container_base "$arch")
work=$cache/run-$pkg-$$
mkdir -p "$work"
trap 'container_stop "$work"; rm -rf "$work"' EXIT INT TERM
container_boot "$base" "$work"
cp "$deb" "$here/check-$pkg.sh" "$work/root/root/"
in_container sh "/root/check-$pkg.sh" "/root/$(basename "$deb")"
