#!/bin/sh
# check-passgate-city.sh DEB: runs inside a freshly booted clean bookworm container
# (deb_container.sh). Installs the passgate-city .deb with apt, checks the daemon waits for the
# city's key, runs `passgate-city init` as the installer does, starts passgate-cityd against a
# local mosquitto, sees it active and connected with no restart, reloads it, measures its sandbox,
# and purges the package: not one of its files may be left.
set -eu
deb=$1
unit=passgate-cityd.service
conf=/etc/passgate/passgate-city.conf
fail() {
	echo "FAIL: $*" >&2
	journalctl --no-pager -u "$unit" -n 40 >&2 || true
	exit 1
}
show() { systemctl show -P "$1" "$unit"; }
snapshot() {
	find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
		-o -path /var/tmp -o -path /var/log -o -path /var/cache -o -path /var/lib/apt \
		-o -path /var/lib/dpkg -o -path /var/lib/systemd/catalog -o -path /root \
		-o -path /var/lib/mosquitto \) -prune -o -print | sort
}

export DEBIAN_FRONTEND=noninteractive
echo "== the package's dependencies and a local broker, then a snapshot of the clean root"
apt-get satisfy -y -q --no-install-recommends "$(dpkg-deb -f "$deb" Depends)" >/dev/null
apt-get install -y -q --no-install-recommends mosquitto >/dev/null
systemctl is-active -q mosquitto.service || systemctl start mosquitto.service
snapshot >/root/before.list

echo "== apt install ./$(basename "$deb")"
apt-get install -y -q --no-install-recommends "$deb" >/root/install.log 2>&1 ||
	{ cat /root/install.log >&2; fail "apt-get install"; }
grep -q "enabled but not started" /root/install.log || fail "install did not say how to start"
[ "$(systemctl is-enabled "$unit")" = enabled ] || fail "$unit not enabled"
systemctl is-active -q "$unit" && fail "started before the city has a key"
id passgate-city >/dev/null || fail "no passgate-city user"
[ "$(stat -c %U:%a /var/lib/passgate-city)" = passgate-city:700 ] || fail "state dir ownership"
systemctl start "$unit" || fail "start without a key"
systemctl is-active -q "$unit" && fail "ran without a key"
[ "$(show ActiveState)" = inactive ] || fail "a start without a key failed: $(show ActiveState)"

echo "== passgate-city init (as the guide says), systemctl start passgate-cityd"
sed -i 's/^id = .*/id = package-test/' "$conf"
setpriv --reuid=passgate-city --regid=passgate-city --init-groups \
	passgate-city --config "$conf" init >/root/init.json || fail "passgate-city init"
grep -q '"city_key"' /root/init.json || fail "init printed no city_key"
systemctl start "$unit" || fail "start"
i=0
until show StatusText | grep -q "^connected"; do
	i=$((i + 1))
	[ $i -lt 150 ] || fail "not connected to the broker: '$(show StatusText)'"
	sleep 0.2
done
echo "status: $(show StatusText)"
systemctl is-active -q "$unit" || fail "not active"
[ "$(show NRestarts)" = 0 ] || fail "restarted $(show NRestarts) times"

echo "== systemctl reload passgate-cityd"
pid=$(show MainPID)
systemctl reload "$unit" || fail "reload"
sleep 1
systemctl is-active -q "$unit" || fail "not active after reload"
[ "$(show MainPID)" = "$pid" ] || fail "reload replaced the process"
[ "$(show NRestarts)" = 0 ] || fail "restarted after reload"

echo "== systemd-analyze security $unit"
exposure=$(systemd-analyze security "$unit" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
echo "exposure $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }' || fail "exposure $exposure > 2.0"

echo "== apt purge passgate-city"
apt-get purge -y -q passgate-city >/root/purge.log 2>&1 || { cat /root/purge.log >&2; fail "purge"; }
systemctl is-active -q "$unit" && fail "still running after purge"
snapshot >/root/after.list
left=$(comm -13 /root/before.list /root/after.list)
[ -z "$left" ] || fail "purge left behind: $left"
echo "ok"
