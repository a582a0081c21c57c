#!/bin/bash
# The demo, inside the lab VM: the AWS VGW emulator and a CGW (cgwd or the
# reference stand-in, CGW_IMPL), both tunnels up, status, routes, a ping.
set -u
lab=$LAB_REPO/tests/lab
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
impl=${CGW_IMPL:-cgwd}
. "$lab/cgw/$impl.sh"
trap 'rc=$?; [ $rc = 0 ] || dump_state end; topo_down' EXIT
hr() { printf '\n==== %s\n' "$*"; }

hr "the lab"
echo "  LAN host 10.224.1.10 -- CGW $CGW_PUBLIC -- Internet -- VGW endpoints $T1_VGW_OUTSIDE (t1), $T2_VGW_OUTSIDE (t2) -- VPC host 172.31.0.10"
echo "  VGW: strongSwan + BIRD per endpoint, AWS's proposals and timers, ASN $VGW_ASN, responder only"
echo "  CGW: $CGW_IMPL_NAME, ASN $CGW_ASN, network $CGW_NETWORK"
topo_up >/dev/null
vgw_start_all >/dev/null || { echo "VGW emulator failed to start"; exit 1; }
t0=$(now)
cgw_start || exit 1
if t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 60); then
	echo "  IKE and CHILD SAs up on both tunnels after ${t}s"
else
	echo "  tunnels not up after 60 s"; cgw_status; exit 1
fi
if t=$(wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 60); then
	echo "  BGP established on both tunnels ($(since "$t0")s after start)"
else
	echo "  BGP not established after 60 s"; cgw_status; exit 1
fi
wait_until "ping_ok lan 172.31.0.10 1" 20 >/dev/null

hr "CGW status"
cgw_status
hr "what the VGW endpoints learned from the CGW"
for n in 1 2; do
	echo "  vgw$n: $(nsx vgw$n ip route show proto bird | tr '\n' ';')"
done
hr "LAN host -> VPC host (kernel ESP)"
b1=$(esp_bytes cgw "$T1_VGW_OUTSIDE"); b2=$(esp_bytes cgw "$T2_VGW_OUTSIDE")
nsx lan ping -n -c 5 -i 0.3 172.31.0.10 | sed 's/^/  /'
ok=${PIPESTATUS[0]}
a1=$(esp_bytes cgw "$T1_VGW_OUTSIDE"); a2=$(esp_bytes cgw "$T2_VGW_OUTSIDE")
echo "  ESP bytes during the ping: t1 +$((a1 - b1)), t2 +$((a2 - b2))"
exit "$ok"
