#!/bin/bash
# lab-timeout: 900
# No false failover on a bad path (issue 9, kind d): 10 % loss and 200 ms
# jitter both ways on the CGW's Internet link for FO_LOSSY_S seconds
# (120 here; the bench soaks 300) with cgwd as the CGW; no tunnel may be
# declared dead, on the CGW or the VGW side. See lib/failover.sh.
#
# Why 120 s proves what 300 s did: what could declare a tunnel dead on
# this path is cgwd's liveness (dead after 2 s without an answer, probes
# 5 a second), the VGW's DPD (idle: cgwd's probes keep it quiet) and the
# BGP hold timers (30 s). 120 s is 60 of cgwd's 2 s windows per tunnel
# (~600 probes each, ~110 of them or their answers lost, many reordered
# by the jitter) and 4 whole BGP hold periods (12 keepalives each way per
# session) under loss. A fault in how loss or reordering is handled shows
# within seconds; a false death by chance alone (10 probes in a row lost,
# 0.19^10 ~ 6e-8 a window) is out of reach of either duration. Nothing
# else is timed inside 300 s: rekeys are 1 h (CHILD) and 8 h (IKE) away.
export CGW_IMPL=cgwd FO_KINDS=d FO_CHECK=1 FO_LOSSY_S=${FO_LOSSY_S:-120}
exec bash "$LAB_REPO/tests/lab/lib/failover-scenario.sh"
