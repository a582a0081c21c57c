#!/bin/sh
# The systemd watchdog: with WATCHDOG_USEC set (as systemd sets it for
# WatchdogSec=), cgwd sends WATCHDOG=1 to NOTIFY_SOCKET at half the
# interval, from its event loop: a stopped loop (SIGSTOP here, a stuck
# handler in life) sends none, so systemd would restart it. Without
# WATCHDOG_USEC, or with WATCHDOG_PID naming another process, none is
# sent. The unit asks for it (WatchdogSec=). systemd is not PID 1 on
# every test machine, so the socket stands in for it. Runs as root.
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need ip socat

tmp=$(mktemp -d /tmp/cgw-wd.XXXXXX)
trap cleanup EXIT INT TERM
ns=cgwwd$$
netns_add "$ns"
conf_one_tunnel "$tmp/cgwd.conf"
N=$tmp/notify

socat -u "UNIX-RECV:$N" "OPEN:$tmp/notify.log,creat,append" 2>/dev/null &
pids="$pids $!"
until_true 50 test -S "$N"
pings() { grep -o 'WATCHDOG=1' "$tmp/notify.log" 2>/dev/null | wc -l; }

start() {	# VAR=value... for the daemon's environment
	: >"$tmp/notify.log"
	env NOTIFY_SOCKET="$N" "$@" ip netns exec "$ns" "$CGWD" -f "$tmp/cgwd.conf" \
	    -s "$tmp/cgwd.sock" >"$tmp/cgwd.log" 2>&1 &
	cpid=$!
	until_true 100 grep -q 'READY=1' "$tmp/notify.log"
}
stop() {
	kill -CONT "$cpid" 2>/dev/null
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
}

# 400 ms: a ping every 200 ms.
if start WATCHDOG_USEC=400000; then
	ok "cgwd started with WATCHDOG_USEC=400000"
	sleep 2
	n=$(pings)
	check "WATCHDOG=1 about every 200 ms ($n in 2 s)" \
	    test "$n" -ge 7 -a "$n" -le 16
	check "the period is logged" grep -q "watchdog: WATCHDOG=1 every 200 ms" \
	    "$tmp/cgwd.log"
	kill -STOP "$cpid"
	sleep 0.3	# one already on its way
	n1=$(pings)
	sleep 1.5
	n2=$(pings)
	check "stopped loop: no WATCHDOG=1 ($n1 -> $n2 in 1.5 s)" test "$n1" = "$n2"
	kill -CONT "$cpid"
	sleep 1
	n3=$(pings)
	check "loop turning again: WATCHDOG=1 again ($n2 -> $n3)" test "$n3" -ge $((n2 + 3))
	stop
else
	bad "cgwd started with WATCHDOG_USEC=400000"; sed 's/^/    /' "$tmp/cgwd.log"
	stop
fi

if start; then
	sleep 1
	check "no WATCHDOG_USEC: no WATCHDOG=1" test "$(pings)" = 0
else
	bad "cgwd started without WATCHDOG_USEC"
fi
stop
if start WATCHDOG_USEC=400000 WATCHDOG_PID=1; then
	sleep 1
	check "WATCHDOG_PID of another process: no WATCHDOG=1" test "$(pings)" = 0
else
	bad "cgwd started with WATCHDOG_PID=1"
fi
stop

check "the unit asks for the watchdog (WatchdogSec=)" \
    grep -q '^WatchdogSec=[1-9]' contrib/systemd/cgwd.service

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "watchdog: $failed check(s) failed"
	exit 1
fi
echo "watchdog: all checks passed"
