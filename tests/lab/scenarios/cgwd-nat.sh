#!/bin/bash
# cgwd behind NAT, as on every cloud VM: cgw has 10.0.0.10, the nat box
# rewrites it to 192.0.2.10, the address AWS knows and the IKE identity
# the VGW expects (VGW_REMOTE_ID default). cgwd is configured from AWS's
# XML with `import-aws --local $CGW_LOCAL`, which must add
# `local-id 192.0.2.10`.
#   1. without that local-id cgwd sends ID 10.0.0.10: the VGW refuses it
#      (AUTHENTICATION_FAILED), no tunnel comes up;
#   2. as imported: both tunnels up, NAT detected, CHILD SAs in UDP 4500
#      on both ends, BGP on both tunnels, LAN -> VPC through ESP-in-UDP.
# FIGURE: seconds from cgwd start to both tunnels' BGP Established.
set -u
lab=$LAB_REPO/tests/lab
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/cgwd.sh"
# Not about failover: under TCG, with the host busy, the VGW's charon can
# take seconds to answer while it computes a DH; 6 s, not the default 2 s,
# before cgwd calls it dead (cgwd-failover and cgwd-lossy run the default).
CGW_DPD="interval 200ms timeout 6s"
VPC=172.31.0.10
fail() { echo "FAIL: $*"; cgw_status; exit 1; }
trap 'rc=$?; cgw_stop >/dev/null 2>&1; [ $rc = 0 ] || dump_state end; topo_down' EXIT

topo_up --nat
[ "$CGW_LOCAL" = 10.0.0.10 ] && [ "$CGW_PUBLIC" = 192.0.2.10 ] ||
	fail "topology: CGW_LOCAL=$CGW_LOCAL CGW_PUBLIC=$CGW_PUBLIC"
vgw_start_all || fail "VGW emulator did not start"

# 1. The identity matters: the private address is refused.
cgw_conf_edit() { sed -i '/^[[:space:]]*local-id /d' "$1"; }
cgw_start || fail "cgwd did not start (without local-id)"
auth_refused() {
	cgw_tunnel_json 1 | jq -e '.ike.last_error | test("AUTHENTICATION_FAILED")' >/dev/null
}
wait_until auth_refused 60 >/dev/null ||
	fail "without local-id: no AUTHENTICATION_FAILED from the VGW"
cgw_ike_up 1 && fail "without local-id: tunnel 1 came up anyway"
log "without local-id: refused: $(cgw_tunnel_json 1 | jq -r .ike.last_error)"
cgw_stop || fail "cgwd did not stop"
unset -f cgw_conf_edit

# 2. As import-aws writes it.
t0=$(now)
cgw_start || fail "cgwd did not start"
grep -q "^[[:space:]]*local-id $CGW_PUBLIC\$" "$CGW_CONF" ||
	fail "import-aws --local $CGW_LOCAL wrote no 'local-id $CGW_PUBLIC'"
grep -q "^[[:space:]]*local $CGW_LOCAL\$" "$CGW_CONF" || fail "local is not $CGW_LOCAL"
wait_until "cgw_ike_up 1 && cgw_ike_up 2" 60 >/dev/null || fail "IKE/CHILD SAs not up on both tunnels"
ike_up=$(since "$t0")
for n in 1 2; do
	_cgw_tunnel $n '.ike.nat == true' || fail "tunnel $n: NAT not detected: $(cgw_tunnel_json $n | jq -c .ike)"
done
nudp=$(nsx cgw ip xfrm state | grep -c 'encap type espinudp sport 4500 dport 4500')
[ "$nudp" -ge 4 ] || { nsx cgw ip xfrm state; fail "cgw: $nudp SAs with espinudp 4500/4500, expected 4"; }
for n in 1 2; do
	nsx vgw$n ip xfrm state | grep -q 'encap type espinudp' ||
		fail "vgw$n: SAs are not UDP-encapsulated (NAT-T)"
	grep -q "authentication of '$CGW_PUBLIC' with pre-shared key successful" "$LAB_OUT/vgw$n/charon.log" ||
		fail "vgw$n: no successful authentication of '$CGW_PUBLIC' in its charon.log"
done
wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 60 >/dev/null || fail "BGP not established on both tunnels"
up=$(since "$t0")
log "IKE up ${ike_up}s, BGP up ${up}s after cgwd started; NAT on both tunnels"
wait_until "ping_ok lan $VPC 1" 30 >/dev/null || fail "LAN -> VPC does not answer"
b1=$(esp_bytes vgw1 "$CGW_PUBLIC")
ping_ok lan $VPC 10 || fail "LAN -> VPC ping lost packets"
a1=$(esp_bytes vgw1 "$CGW_PUBLIC")
[ $((a1 - b1)) -ge 1000 ] || fail "t1's ESP-in-UDP counters did not rise ($b1 -> $a1)"
log "LAN -> VPC through ESP-in-UDP on t1 (+$((a1 - b1)) ESP bytes at vgw1)"
cgw_status
echo "FIGURE: nat local_id=$CGW_PUBLIC ike_up=${ike_up}s both_up=${up}s esp_in_udp_sas=$nudp"
