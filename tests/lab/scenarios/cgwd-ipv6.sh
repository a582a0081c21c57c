#!/bin/bash
# IPv6 through the tunnels (issue 13): an AWS Transit Gateway VPN with
# TunnelInsideIpVersion ipv6 against the VGW emulator (VGW_IPV6=1: inside
# /126s fd00:21::/126 and fd00:22::/126, the VGW on host 1; CHILD SAs for
# ::/0 alone, as AWS's IPv6 VPNs; BGP over the IPv6 inside addresses with
# IPv6 unicast; the VPC's fd00:172:31::/48 announced, a VPC host at
# fd00:172:31::10). cgwd's configuration is imported from
# describe-vpn-connections' JSON (TunnelInsideIpVersion ipv6, each
# tunnel's TunnelInsideIpv6Cidr) with the IPv6 network fd00:10:224::/48
# (a LAN host at fd00:10:224:1::10). One boot, one `check` line each:
#   tunnels       both tunnels up; each XFRM interface, cgwd's and the
#                 VGW's, holds its IPv6 inside address; the VGW's CHILD
#                 SAs are ::/0 both ways (it narrowed cgwd's 0.0.0.0/0 +
#                 ::/0 offer)
#   bgp6          BGP established on both tunnels over the IPv6 inside
#                 addresses, IPv6 unicast, in cgwd's view and BIRD's
#   bird-learned  BIRD on vgw1 and vgw2 has the LAN's fd00:10:224::/48 from
#                 cgwd, via cgwd's IPv6 inside address on its xfrm link
#   kernel-route  cgwd installed fd00:172:31::/48 (proto 201) through t1's
#                 interface (active/standby)
#   ping6         LAN host <-> VPC host pings, both ways, and t1's ESP SAs
#                 (`ip -s xfrm state`) count them in and out
# FIGURE: those figures.
set -u
lab=$LAB_REPO/tests/lab
export VGW_IPV6=1 CGW_AWS_JSON=1
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/cgwd.sh"
CGW_IMPORT_ARGS="--network $CGW_NETWORK6"
# Not about failover (as cgwd-kernel): a TCG stall must not fail a tunnel.
CGW_DPD="interval 200ms timeout 6s"
LAN6=${LAN_NET6}10 VPC6=${VPC_NET6}10
fail() { echo "FAIL: $*"; cgw_status; exit 1; }
trap 'rc=$?; cgw_stop >/dev/null 2>&1; [ $rc = 0 ] && dump_state end cgw || dump_state end; topo_down' EXIT

# esp_dir NS SRC DST: bytes of NS's SAs from SRC to DST (`ip -s xfrm state`).
esp_dir() {
	nsx "$1" ip -s xfrm state | awk -v s="$2" -v d="$3" '
		/^src / { ok = ($2 == s && $4 == d) }
		/lifetime current:/ { cur = 1; next }
		cur && /bytes/ { if (ok) { sub(/\(bytes\).*/, ""); n += $1 } cur = 0 }
		END { print n + 0 }'
}
# ping6_got FROM DST N: replies to N pings.
ping6_got() {
	nsx "$1" ping -6 -n -q -c "$3" -i 0.2 -W 2 "$2" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
# bgp6_state N: cgwd's session to the VGW's IPv6 inside address of tunnel
# N: "STATE FAMILIES" from `cgwctl --json show bgp`.
bgp6_state() {
	cgwctl_ --json show bgp | jq -r --arg p "$(_vgw_t "$1" VGW_INSIDE6)" \
		'.bgp[] | select(.peer == $p) | "\(.state) \(.address_families | join(","))"'
}
vgw_birdc() { lab_birdc "$LAB_RUN/vgw$1" "${@:2}"; }

topo_up; topo_up6 || fail "IPv6 addresses"
log "scenario start"
vgw_start_all || fail "VGW emulator did not start"
cgw_start || fail "cgwd did not start"
for n in 1 2; do
	grep -q "^		inside $(_vgw_t $n CGW_INSIDE6)/$INSIDE6_CIDR\$" "$CGW_CONF" ||
		fail "the import wrote no IPv6 inside address for t$n"
done
grep -q "^network $CGW_NETWORK6\$" "$CGW_CONF" || fail "no network $CGW_NETWORK6 in the configuration"

# --- tunnels -----------------------------------------------------------------
t_up=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 60) || t_up=timeout
ok=$([ "$t_up" != timeout ]; echo $?) fig="up after ${t_up}s"
for n in 1 2; do
	ifn=$(tj $n .interface) c6=$(_vgw_t $n CGW_INSIDE6)/$INSIDE6_CIDR v6=$(_vgw_t $n VGW_INSIDE6)/$INSIDE6_CIDR
	nsx cgw ip -6 -o addr show dev "$ifn" 2>/dev/null | grep -q " inet6 $c6 " &&
		nsx cgw ip -d link show "$ifn" 2>/dev/null | grep -q 'if_id 0x4347' || ok=1
	nsx vgw$n ip -6 -o addr show dev xfrm$n | grep -q " inet6 $v6 " || ok=1
	sas=$(lab_swanctl "$LAB_RUN/vgw$n" --list-sas 2>/dev/null)
	ts=$(echo "$sas" | awk '$1 == "local" && NF == 2 {print $2; exit}')
	echo "$sas" | grep -q '^ *local  ::/0$' && echo "$sas" | grep -q '^ *remote ::/0$' &&
		! echo "$sas" | grep -q '0\.0\.0\.0/0' || ok=1
	fig="$fig, t$n $ifn=$(nsx cgw ip -6 -o addr show dev "$ifn" scope global 2>/dev/null | awk '{print $4}' | paste -sd/) inside=$(tj $n .inside) vgw_ts=${ts:-none}"
done
check tunnels "$ok" "$fig" "both up, IPv6 inside addresses on both ends' XFRM interfaces, the VGW's CHILD SAs ::/0"
[ "$t_up" = timeout ] && fail "tunnels not up"

# --- bgp6 --------------------------------------------------------------------
t_bgp=$(wait_until "cgw_bgp_up 1 && cgw_bgp_up 2 && [ \"\$(vgw_bgp_state 1)\" = Established ] && [ \"\$(vgw_bgp_state 2)\" = Established ]" 90) || t_bgp=timeout
ok=$([ "$t_bgp" != timeout ]; echo $?) fig="established after ${t_bgp}s"
for n in 1 2; do
	st=$(bgp6_state $n)
	nb=$(vgw_birdc $n show protocols all cgw | awk '/Neighbor address:/ {print $3; exit}')
	case " $st " in " established "*ipv6-unicast*) ;; *) ok=1 ;; esac
	[ "$nb" = "$(_vgw_t $n CGW_INSIDE6)" ] && [ "$(vgw_bgp_state $n)" = Established ] || ok=1
	fig="$fig, t$n cgwd->$(_vgw_t $n VGW_INSIDE6)=${st:-none} bird->${nb:-none}=$(vgw_bgp_state $n)"
done
check bgp6 "$ok" "$fig" "both sessions established over the IPv6 inside addresses, ipv6-unicast"

# --- bird-learned ------------------------------------------------------------
learned() {
	vgw_birdc "$1" show route "$CGW_NETWORK6" protocol cgw | grep -q "via $(_vgw_t "$1" CGW_INSIDE6) on xfrm$1"
}
t_l=$(wait_until "learned 1 && learned 2" 30) || t_l=timeout
ok=$([ "$t_l" != timeout ]; echo $?) fig="after ${t_l}s"
for n in 1 2; do
	r=$(vgw_birdc $n show route "$CGW_NETWORK6" protocol cgw | awk '/via/ {$1 = $1; print; exit}')
	k=$(nsx vgw$n ip -6 route show "$CGW_NETWORK6" | head -n1)
	[ -n "$k" ] || ok=1
	fig="$fig, vgw$n bird: $CGW_NETWORK6 ${r:-none} (kernel: ${k:-none})"
done
check bird-learned "$ok" "$fig" "$CGW_NETWORK6 via cgwd's IPv6 inside address on both endpoints"

# --- kernel-route ------------------------------------------------------------
dev1=$(tj 1 .interface)
kroute() { nsx cgw ip -6 route show proto 201 | grep "^$VPC_CIDR6 "; }
t_k=$(wait_until "kroute | grep -q ' dev $dev1 '" 30) || t_k=timeout
kr=$(kroute | head -n1)
check kernel-route "$([ "$t_k" != timeout ]; echo $?)" "after ${t_k}s: ${kr:-none}" \
	"$VPC_CIDR6 proto 201 through t1's interface $dev1"
nsx cgw ip -6 route show proto 201 | sed 's/^/  /'

# --- ping6 -------------------------------------------------------------------
# The first packets resolve neighbours on both bridges: not counted.
wait_until "[ \"\$(ping6_got lan $VPC6 1)\" = 1 ]" 30 >/dev/null
# The VGW's return path: t1's endpoint (cgwd prepends t2's announcements).
wait_until "nsx vgwr ip -6 route show $CGW_NETWORK6 | grep -q 'via ${VPC_NET6}2 '" 30 >/dev/null
vgwr6=$(nsx vgwr ip -6 route show "$CGW_NETWORK6" | head -n1)
o0=$(esp_dir cgw "$CGW_LOCAL" "$T1_VGW_OUTSIDE") i0=$(esp_dir cgw "$T1_VGW_OUTSIDE" "$CGW_LOCAL")
g1=$(ping6_got lan "$VPC6" 10)
g2=$(ping6_got vpc "$LAN6" 10)
o1=$(esp_dir cgw "$CGW_LOCAL" "$T1_VGW_OUTSIDE") i1=$(esp_dir cgw "$T1_VGW_OUTSIDE" "$CGW_LOCAL")
# 20 echoes and 20 replies of 104 bytes each (IPv6 + ICMPv6 + 56 bytes).
ok=$([ "${g1:-0}" -ge 9 ] && [ "${g2:-0}" -ge 9 ] && [ $((o1 - o0)) -ge 1800 ] &&
	[ $((i1 - i0)) -ge 1800 ]; echo $?)
check ping6 "$ok" "lan->vpc ${g1:-0}/10 vpc->lan ${g2:-0}/10, t1 ESP out +$((o1 - o0))B in +$((i1 - i0))B, vgwr: ${vgwr6:-none}" \
	">= 9/10 replies each way, t1's ESP SAs +1800 B or more each way"

echo "FIGURE: ipv6 up=${t_up}s bgp=${t_bgp}s$RESULTS ping=${g1:-0}/${g2:-0} esp=+$((o1 - o0))/+$((i1 - i0))B"
[ -z "$FAILED" ] || { echo "FAILED:$FAILED"; cgw_status; exit 1; }
