#!/bin/bash
# lab-timeout: 900
# No false failover on a bad path (issue 9, kind d): 10 % loss and 200 ms
# jitter both ways on the CGW's Internet link for FO_LOSSY_S seconds
# (default 300) with cgwd as the CGW; no tunnel may be declared dead, on
# the CGW or the VGW side. See lib/failover.sh.
export CGW_IMPL=cgwd FO_KINDS=d FO_CHECK=1
exec bash "$LAB_REPO/tests/lab/lib/failover-scenario.sh"
