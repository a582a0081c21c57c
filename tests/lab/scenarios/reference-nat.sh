#!/bin/bash
# The CGW behind NAT (as every cloud VM is): cgw has 10.0.0.10, the nat box
# rewrites it to 192.0.2.10, the address AWS knows. Both tunnels must come
# up with NAT-T (ESP in UDP 4500), BGP on both, LAN -> VPC through t1.
# CGW_IMPL picks the CGW (reference stand-in by default).
# FIGURE: seconds from CGW start to both tunnels' BGP Established.
set -u
lab=$LAB_REPO/tests/lab
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/${CGW_IMPL:-reference}.sh"
VPC=172.31.0.10
fail() { echo "FAIL: $*"; exit 1; }
trap 'rc=$?; [ $rc = 0 ] || dump_state end; topo_down' EXIT

topo_up --nat
[ "$CGW_LOCAL" = 10.0.0.10 ] || fail "topology: CGW_LOCAL=$CGW_LOCAL"
vgw_start_all || fail "VGW emulator did not start"
t0=$(now)
cgw_start || fail "CGW did not start"
wait_until "cgw_ike_up 1 && cgw_ike_up 2" 60 >/dev/null || fail "IKE/CHILD SAs not up on both tunnels"
wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 60 >/dev/null || fail "BGP not established on both tunnels"
up=$(since "$t0")
log "both tunnels and BGP up ${up}s after the CGW started"
for n in 1 2; do
	nsx vgw$n ip xfrm state | grep -q 'encap type espinudp sport 4500' ||
		fail "vgw$n: SAs are not UDP-encapsulated (NAT-T)"
done
wait_until "ping_ok lan $VPC 1" 30 >/dev/null || fail "LAN -> VPC does not answer"
b1=$(esp_bytes vgw1 "$CGW_PUBLIC")
ping_ok lan $VPC 10 || fail "LAN -> VPC ping lost packets"
a1=$(esp_bytes vgw1 "$CGW_PUBLIC")
[ $((a1 - b1)) -ge 1000 ] || fail "t1's ESP counters did not rise"
log "LAN -> VPC through NAT-T on t1 (+$((a1 - b1)) ESP bytes at vgw1)"
cgw_status
echo "FIGURE: nat both_up=${up}s"
