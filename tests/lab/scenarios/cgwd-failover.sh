#!/bin/bash
# The reference scenario (scenarios/reference.sh: both tunnels, BGP,
# LAN -> VPC over kernel ESP, failover to t2 when vgw1 dies silently,
# recovery) with cgwd as the CGW (cgw/cgwd.sh), whatever CGW_IMPL says.
# FIGURE: the failover times, comparable with the reference's.
export CGW_IMPL=cgwd
exec bash "$LAB_REPO/tests/lab/scenarios/reference.sh"
