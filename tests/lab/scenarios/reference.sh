#!/bin/bash
# lab-make-test: no
# Reference: the AWS VGW emulator against the strongSwan + BIRD stand-in
# CGW (cgw/reference.sh, or CGW_IMPL=cgwd). Both tunnels up, BGP on both,
# LAN -> VPC over kernel ESP on t1; then tunnel 1's VGW endpoint dies
# silently and we measure: BGP on t1 down, LAN -> VPC flowing via t2, the
# CGW's DPD clearing t1's SA; then the endpoint comes back and t1 recovers.
# FIGURE: the failover times in seconds after the endpoint died.
# Not in `make test` (tests/run-all.sh skips it; `make lab` runs it): it
# runs no cgwd code, the cgwd scenarios drive the same emulator, and the
# bench (tests/bench/failover-guest.sh) runs this stand-in CGW through
# the failure kinds next to cgwd. 230 s of `make test` saved.
set -u
lab=$LAB_REPO/tests/lab
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/${CGW_IMPL:-reference}.sh"
LAN=10.224.1.10 VPC=172.31.0.10
fail() { echo "FAIL: $*"; exit 1; }
# On failure, every namespace's state goes to out/reference/state-end.txt.
trap 'rc=$?; [ $rc = 0 ] || dump_state end; topo_down' EXIT

topo_up; log "scenario start"
vgw_start_all || fail "VGW emulator did not start"
t0=$(now)
cgw_start || fail "CGW did not start"

t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 40) || fail "IKE/CHILD SAs not up on both tunnels"
log "IKE and CHILD SAs up on both tunnels after ${t}s"
t=$(wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 60) || fail "BGP not established on both tunnels"
log "BGP established on both tunnels ($(since "$t0")s after start)"
for n in 1 2; do
	[ "$(vgw_bgp_state $n)" = Established ] || fail "vgw$n does not see BGP established"
done
t=$(wait_until "ping_ok lan $VPC 1" 30) || fail "LAN -> VPC does not answer"
log "LAN -> VPC answers"
cgw_status

# Traffic goes through kernel ESP, over t1 (the preferred tunnel).
b1=$(esp_bytes cgw "$T1_VGW_OUTSIDE"); b2=$(esp_bytes cgw "$T2_VGW_OUTSIDE")
ping_ok lan $VPC 10 || fail "LAN -> VPC ping lost packets"
a1=$(esp_bytes cgw "$T1_VGW_OUTSIDE"); a2=$(esp_bytes cgw "$T2_VGW_OUTSIDE")
log "ESP bytes during 10 pings: t1 +$((a1 - b1)), t2 +$((a2 - b2))"
[ $((a1 - b1)) -ge 1000 ] || fail "t1's ESP counters did not rise"
setup=$(since "$t0")

# Failover: vgw1 stops answering, no DELETE.
pinglog=$LAB_OUT/failover-ping.log
nsx lan ping -n -D -i 0.1 -W 1 $VPC > "$pinglog" 2>&1 &
pingpid=$!
sleep 2
b2=$(esp_bytes cgw "$T2_VGW_OUTSIDE")
T0=$(now)
drop_endpoint vgw1 || fail "cannot drop vgw1"
bgp_down="" dpd=""
while [ -z "$bgp_down" ] || [ -z "$dpd" ]; do
	[ -z "$bgp_down" ] && ! cgw_bgp_up 1 && { bgp_down=$(since "$T0"); log "t1 BGP down after ${bgp_down}s"; }
	[ -z "$dpd" ] && ! cgw_ike_up 1 && { dpd=$(since "$T0"); log "t1 SA cleared (DPD) after ${dpd}s"; }
	awk -v a="$(now)" -v b="$T0" 'BEGIN {exit !(a - b > 70)}' && break
	sleep 0.2
done
sleep 3
kill $pingpid 2>/dev/null; wait $pingpid 2>/dev/null
a2=$(esp_bytes cgw "$T2_VGW_OUTSIDE")
[ -n "$bgp_down" ] || fail "t1 BGP still up 70 s after its endpoint died"
[ -n "$dpd" ] || fail "t1 SA not cleared 70 s after its endpoint died"
# Polling under TCG is coarse; the daemons' own logs have milliseconds.
if [ "${CGW_IMPL:-reference}" = reference ]; then
	t=$(log_time_after "$LAB_OUT/cgw/bird.log" "$T0" 't1: (Error: Hold timer expired|BGP session closed)')
	[ -n "$t" ] && bgp_down=$(echo "$t $T0" | awk '{printf "%.1f", $1 - $2}')
	t=$(log_time_after "$LAB_OUT/cgw/charon.log" "$T0" '<t1\|[0-9]+> giving up after')
	[ -n "$t" ] && dpd=$(echo "$t $T0" | awk '{printf "%.1f", $1 - $2}')
	log "from the logs: t1 BGP down after ${bgp_down}s, DPD cleared t1 after ${dpd}s"
fi
# The loss window: the longest gap between replies after the drop.
read -r gap moved <<EOF2
$(awk -v t0="$T0" '/bytes from/ { ts = substr($1, 2, length($1) - 2) + 0
	if (ts > t0 && last > 0 && ts - last > gap) { gap = ts - last; moved = ts - t0 }
	last = ts }
	END { printf "%.1f %.1f\n", gap, moved }' "$pinglog")
EOF2
log "LAN -> VPC: loss window ${gap}s, flowing via t2 ${moved}s after the drop (t2 ESP +$((a2 - b2)) bytes)"
[ $((a2 - b2)) -ge 1000 ] || fail "no ESP traffic on t2 after failover"
ping_ok lan $VPC 5 || fail "LAN -> VPC broken after failover"
cgw_status

# Recovery: the endpoint answers again; the CGW must re-establish t1.
T1=$(now)
resume_endpoint vgw1
t=$(wait_until "cgw_ike_up 1 && cgw_bgp_up 1" 90) || fail "t1 did not recover within 90 s"
recover=$(since "$T1")
log "t1 back (SA and BGP) ${recover}s after the endpoint returned"
sleep 1
b1=$(esp_bytes cgw "$T1_VGW_OUTSIDE")
ping_ok lan $VPC 5 || fail "LAN -> VPC broken after recovery"
a1=$(esp_bytes cgw "$T1_VGW_OUTSIDE")
[ $((a1 - b1)) -ge 500 ] || fail "traffic did not return to t1"
log "traffic back on t1"
echo "FIGURE: failover bgp_down=${bgp_down}s traffic_t2=${moved}s loss=${gap}s dpd=${dpd}s recover=${recover}s setup=${setup}s"
