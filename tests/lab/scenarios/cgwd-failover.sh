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
export CGW_IMPL=cgwd FO_KINDS="${FO_KINDS:-a b c e}" FO_CHECK=1 FO_VIEW=1
exec bash "$LAB_REPO/tests/lab/lib/failover-scenario.sh"
