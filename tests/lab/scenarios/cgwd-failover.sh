#!/bin/bash
# lab-timeout: 1500
# Failover in under 3 seconds, both directions (issue 9), cgwd as the CGW,
# the emulator's timers at AWS's values: failure kinds a (the path to
# endpoint 1 blackholed both ways), b (endpoint 1 dies), c (only CGW ->
# endpoint 1 lost) and e (AWS maintenance on endpoint 1) in one VM, one
# `check` line each (a-c: outage <= 3 s each way; e: no packet lost; and
# traffic back on t1 after each restore). Kind d (loss + jitter soak) is
# scenarios/cgwd-lossy.sh. See lib/failover.sh.
# Each kind also checks the operator's view of the dead t1 (issue 12): its
# REASON in `cgwctl status`, the transition in `cgwctl show tunnel`'s
# history, the tunnel, BGP and route events of `cgwctl monitor --json`
# (running from the start) and the liveness-miss and flap counters, one
# `check view-K` line each (lib/failover-view.sh).
#
# The failover hold-down is 10 s here, not the default 30 s: after each
# restore t1 still comes back through its hold-down and traffic returns
# to it, 20 s sooner; the hold-down's own rules and timer are tested in
# tests/unit/test_daemon_failover.c. The bench keeps the default.
cgw_conf_edit() {
	sed -i "/^\tpeer-asn /a\\	failover hold-down 10s" "$1" &&
		grep -q "^	failover hold-down 10s\$" "$1"
}
export -f cgw_conf_edit
export CGW_IMPL=cgwd FO_KINDS="${FO_KINDS:-a b c e}" FO_CHECK=1 FO_VIEW=1
exec bash "$LAB_REPO/tests/lab/lib/failover-scenario.sh"
