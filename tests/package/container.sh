#!/bin/sh
# container.sh: helpers of the package tests, sourced by them. A clean Debian bookworm root made by
# debootstrap once and cached; every test boots its own copy with systemd-nspawn --boot and runs
# commands in it with nsenter (machined is not needed: --register=no).
#
#   PASSGATE_TEST_CACHE   where the cached roots live (default /var/cache/passgate-test, outside
#                         build/ so that it survives `rm -rf build`)
#   PASSGATE_TEST_MIRROR  the Debian mirror (default http://deb.debian.org/debian)
#
# Functions exit 77 (ctest's skip code) with a message when the machine cannot make a container.

cache=${PASSGATE_TEST_CACHE:-/var/cache/passgate-test}
mirror=${PASSGATE_TEST_MIRROR:-http://deb.debian.org/debian}
# Bump when the base root's recipe changes: the cached root is rebuilt.
base_recipe=1

skip() {
	echo "SKIPPED: $*" >&2
	exit 77
}

# container_can: skip unless this machine can debootstrap and boot a container.
container_can() {
	[ "$(id -u)" -eq 0 ] || skip "the package container test needs root (debootstrap, nspawn)"
	for t in debootstrap systemd-nspawn nsenter; do
		command -v "$t" >/dev/null || skip "$t is missing (scripts/setup --test installs it)"
	done
	unshare --mount --pid --uts --ipc --fork true 2>/dev/null ||
		skip "this machine cannot create namespaces for a container"
}

# container_base ARCH: print the path of the cached clean bookworm root for ARCH, building it on
# first use (debootstrap: a few minutes; under qemu for a foreign ARCH, longer).
container_base() {
	arch=$1
	base=$cache/bookworm-$arch
	if [ "$(cat "$base.stamp" 2>/dev/null)" != "$base_recipe" ]; then
		echo "container: building the cached bookworm-$arch root in $base (first run only)" >&2
		rm -rf "$base" "$base.stamp"
		mkdir -p "$cache"
		debootstrap --arch="$arch" --variant=minbase \
			--include=systemd,systemd-sysv,dbus,ca-certificates \
			bookworm "$base.new" "$mirror" >"$cache/debootstrap-$arch.log" 2>&1 || {
			tail -n 20 "$cache/debootstrap-$arch.log" >&2
			echo "container: debootstrap failed (network? see $cache/debootstrap-$arch.log)" >&2
			rm -rf "$base.new"
			exit 1
		}
		cat >"$base.new/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
		echo passgate-test >"$base.new/etc/hostname"
		# Not a real console: no getty, and no wait for a network the container shares.
		rm -f "$base.new/etc/systemd/system/getty.target.wants/"*
		chroot "$base.new" apt-get update -q >/dev/null
		mv "$base.new" "$base"
		echo "$base_recipe" >"$base.stamp"
	fi
	echo "$base"
}

# container_boot BASE WORKDIR: copy BASE to WORKDIR/root and boot it; sets $leader (the
# container's PID 1 as the host sees it) and $nspawn_pid. apt's downloads are kept in the cache.
container_boot() {
	root=$2/root
	rm -rf "$root"
	cp -a "$1" "$root"
	mkdir -p "$cache/apt-archives/partial"
	systemd-nspawn --quiet --register=no --keep-unit --boot --console=passive \
		--bind="$cache/apt-archives:/var/cache/apt/archives" \
		-D "$root" >"$2/nspawn.log" 2>&1 &
	nspawn_pid=$!
	# nspawn's first child sets the container up and hands over to PID 1, systemd.
	leader=""
	i=0
	while [ -z "$leader" ] && [ $i -lt 300 ]; do
		for c in $(cat /proc/$nspawn_pid/task/$nspawn_pid/children 2>/dev/null); do
			[ "$(cat /proc/$c/comm 2>/dev/null)" = systemd ] && leader=$c
		done
		i=$((i + 1))
		[ -n "$leader" ] || sleep 0.1
	done
	[ -n "$leader" ] || { cat "$2/nspawn.log" >&2; echo "container: did not start" >&2; exit 1; }
	# Its namespaces may not be ready yet for a moment after the exec.
	state=""
	i=0
	while [ -z "$state" ] && [ $i -lt 50 ]; do
		state=$(in_container timeout 120 systemctl is-system-running --wait 2>/dev/null || true)
		i=$((i + 1))
		[ -n "$state" ] || sleep 0.2
	done
	case $state in
	running | degraded) ;;
	*)
		cat "$2/nspawn.log" >&2
		echo "container: systemd did not come up ($state)" >&2
		exit 1
		;;
	esac
}

# in_container CMD...: run CMD inside the booted container (all its namespaces, its root).
in_container() {
	nsenter --target "$leader" --all --root \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb \
		sh -c 'cd / && exec "$@"' in_container "$@"
}

# container_stop WORKDIR: power the container off and remove its root.
container_stop() {
	if [ -n "${nspawn_pid:-}" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
		in_container systemctl poweroff >/dev/null 2>&1 || true
		i=0
		while kill -0 "$nspawn_pid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.2
			i=$((i + 1))
		done
		kill "$nspawn_pid" 2>/dev/null || true
		wait "$nspawn_pid" 2>/dev/null || true
	fi
	rm -rf "$1/root"
}
