#!/bin/sh
# test_city_unit_security.sh UNIT: the built passgate-cityd.service keeps its sandbox within
# the budget (`systemd-analyze security --offline=yes` exposure <= 2.5) and has the settings
# the daemon's contract needs (Type=notify with a watchdog, its own user and state directory).
set -eu
unit=$1
systemd-analyze security --offline=yes --threshold=25 "$unit" | tail -n 1
for want in Type=notify WatchdogSec= Restart=on-failure User=passgate-city \
	StateDirectory=passgate-city StateDirectoryMode=0700 ProtectSystem=strict \
	CapabilityBoundingSet= NoNewPrivileges=yes MemoryDenyWriteExecute=yes LimitCORE=0 \
	'ExecStartPre=.*--check-config'; do
	grep -q "^$want" "$unit" || { echo "missing: $want" >&2; exit 1; }
done
echo "ok"
