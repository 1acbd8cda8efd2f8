#!/bin/sh
# test_daemon_unit_security.sh UNIT: the built passgated.service keeps its sandbox within the
# budget: `systemd-analyze security --offline=yes` exposure <= 2.0 (docs/architecture.md), and
# the settings the daemon's contract needs are present.
set -eu
unit=$1
systemd-analyze security --offline=yes --threshold=20 "$unit" | tail -n 1
for want in Type=notify WatchdogSec= Restart=on-failure User=passgate DevicePolicy=closed \
	ProtectSystem=strict StateDirectory=passgate CapabilityBoundingSet= NoNewPrivileges=yes \
	MemoryDenyWriteExecute=yes 'SystemCallFilter=@system-service adjtimex'; do
	grep -q "^$want" "$unit" || { echo "missing: $want" >&2; exit 1; }
done
echo "ok"
