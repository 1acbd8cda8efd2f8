#!/bin/sh
# check-passgate.sh DEB: runs inside a freshly booted clean bookworm container (deb_container.sh).
# Installs the passgate .deb with apt as an installer would, checks the service waits for a
# configuration, configures the simulator (a dir: camera of two minted cards, sim GPIO, a file
# printer, no clock sync), starts it, sees both scans decided with no restart, reloads it, measures
# its sandbox, and purges the package: not one of its files may be left.
set -eu
deb=$1
fail() {
	echo "FAIL: $*" >&2
	journalctl --no-pager -u passgated.service -n 40 >&2 || true
	exit 1
}
show() { systemctl show -P "$1" passgated.service; }

# Every path of the root but the churn of apt, journald and the test itself.
snapshot() {
	find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
		-o -path /var/tmp -o -path /var/log -o -path /var/cache -o -path /var/lib/apt \
		-o -path /var/lib/dpkg -o -path /var/lib/systemd/catalog -o -path /root \
		-o -path /srv/test \) -prune -o -print | sort
}

export DEBIAN_FRONTEND=noninteractive
echo "== the package's dependencies, then a snapshot of the clean root"
apt-get satisfy -y -q --no-install-recommends "$(dpkg-deb -f "$deb" Depends)" >/dev/null
snapshot >/root/before.list

echo "== apt install ./$(basename "$deb")"
apt-get install -y -q --no-install-recommends "$deb" >/root/install.log 2>&1 ||
	{ cat /root/install.log >&2; fail "apt-get install"; }
grep -q "enabled but not started" /root/install.log || fail "install did not say how to start"
[ "$(systemctl is-enabled passgated.service)" = enabled ] || fail "passgated.service not enabled"
systemctl is-active -q passgated.service && fail "started before it was configured"
id passgate >/dev/null || fail "no passgate user"
for g in gpio video dialout lp; do
	getent group "$g" >/dev/null || fail "group $g missing (SupplementaryGroups=)"
done
[ "$(stat -c %U:%a /var/lib/passgate)" = passgate:700 ] || fail "/var/lib/passgate ownership"

echo "== start with the unedited sample: skipped, not failed, and says why"
systemctl start passgated.service || fail "start with the sample"
systemctl is-active -q passgated.service && fail "ran the unedited sample"
[ "$(show ActiveState)/$(show Result)" = inactive/exec-condition ] ||
	fail "the unedited sample is not a skipped start: $(show ActiveState)/$(show Result)"
journalctl --no-pager -u passgated.service | grep -q "unedited sample" ||
	fail "no journal line about the sample"

echo "== a root-owned file in the state directory is handed back to passgate"
touch /var/lib/passgate/left-by-root
systemd-tmpfiles --create passgate.conf
[ "$(stat -c %U /var/lib/passgate/left-by-root)" = passgate ] || fail "tmpfiles Z"
rm /var/lib/passgate/left-by-root

echo "== mint two cards, configure the simulator"
mkdir -p /srv/test/keys /srv/test/camera
passgate issue-test keygen --dir /srv/test/keys >/dev/null
iss=https://issuer.passgate.test
passgate issue-test shc --dir /srv/test/keys --family Testfamily --given Testgiven \
	--birth-date 1980-01-02 --vaccination "$(date -u -d '-120 days' +%F)" \
	--vaccination "$(date -u -d '-90 days' +%F)" --png /srv/test/camera/01-shc.png >/dev/null
passgate issue-test dcc --dir /srv/test/keys --family Testfamily --given Testgiven \
	--birth-date 1980-01-02 --vaccination "$(date -u -d '-200 days' +%F)" \
	--vaccination "$(date -u -d '-170 days' +%F)" --png /srv/test/camera/02-dcc.png >/dev/null
chmod -R a+rX /srv/test
cat >/etc/passgate/passgated.conf <<CONF
[venue]
id = package-test
program = national-package
[camera]
source = dir:/srv/test/camera
[gpio]
backend = sim
sim_log = /var/lib/passgate/gpio.log
[printer]
device = file:/var/lib/passgate/receipts.bin
[trust]
default = no
jwks = $iss=/srv/test/keys/shc-issuer.jwks.json
cert = /srv/test/keys/dcc-signer.cert.pem
[clock]
require_sync = no
CONF
passgated --check-config --config /etc/passgate/passgated.conf || fail "check-config"

echo "== systemctl start passgated"
systemctl start passgated.service || fail "start"
i=0
until show StatusText | grep -q "^2 scans"; do
	i=$((i + 1))
	[ $i -lt 150 ] || fail "two scans not decided: '$(show StatusText)'"
	sleep 0.2
done
sleep 1
echo "status: $(show StatusText)"
show StatusText | grep -q "^2 scans: 2 admitted, 0 denied" || fail "status $(show StatusText)"
n=$(passgate events list --state-dir /var/lib/passgate | grep -c '"decision":"admit"')
[ "$n" = 2 ] || fail "the outbox holds $n admit events, not 2"
systemctl is-active -q passgated.service || fail "not active"
[ "$(show NRestarts)" = 0 ] || fail "restarted $(show NRestarts) times"

echo "== systemctl reload passgated"
pid=$(show MainPID)
systemctl reload passgated.service || fail "reload"
sleep 1
systemctl is-active -q passgated.service || fail "not active after reload"
[ "$(show MainPID)" = "$pid" ] || fail "reload replaced the process"
[ "$(show NRestarts)" = 0 ] || fail "restarted after reload"

echo "== systemd-analyze security passgated.service"
exposure=$(systemd-analyze security passgated.service | sed -n 's/.*Overall exposure level for passgated.service: \([0-9.]*\).*/\1/p')
echo "exposure $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }' || fail "exposure $exposure > 2.0"

echo "== apt purge passgate"
apt-get purge -y -q passgate >/root/purge.log 2>&1 || { cat /root/purge.log >&2; fail "purge"; }
systemctl is-active -q passgated.service && fail "still running after purge"
snapshot >/root/after.list
left=$(comm -13 /root/before.list /root/after.list)
[ -z "$left" ] || fail "purge left behind: $left"
echo "ok"
