#!/bin/sh
# MP-BGP IPv6 unicast (RFC 4760) over IPv4 sessions, against real BIRD 2
# in network namespaces; no IPsec needed. Topology as tests/system/bgp_bird.sh:
#
#   vgw1 (BIRD, AS 64512, IPv4 + IPv6)    169.254.21.1/30 --- 169.254.21.2/30 t1 \
#   vgw2 (BIRD, AS 64512, no capabilities) 169.254.22.1/30 --- 169.254.22.2/30 t2  cgw
#   lan  (BIRD, AS 65010, IPv4 + IPv6)    10.224.0.1/24   --- 10.224.0.2/24 lan  /
#
# The BIRDs with IPv6 have "extended next hop on" in their ipv6 channel:
# they send and take IPv4-mapped next hops (::ffff:a.b.c.d, RFC 4798).
#
# Part 1, bgp/ through tests/tools/bgp_speaker -k (tunnel peers are what
# advertise our networks, and they need XFRM interfaces under cgwd):
# IPv6 unicast negotiated with vgw1 and the LAN router, IPv4 alone with
# vgw2 (it sends no capabilities: RFC 4760 8); our IPv6 network reaches
# vgw1 with next hop ::ffff:169.254.21.2, never vgw2, which still gets
# the IPv4 one; vgw1's IPv6 prefix is learned and goes into the kernel on
# t1 (no gateway: Linux takes no IPv4 gateway for an IPv6 route), and the
# LAN router hears it; the LAN router's IPv6 prefix reaches vgw1; a
# ROUTE-REFRESH is answered per family; vgw1's withdrawal takes the route
# out of the RIB and the kernel.
#
# Part 2, cgwd itself with the LAN router as a `neighbor`: `cgwctl show
# bgp` says the session carries both families, `cgwctl show routes` lists
# the LAN's IPv6 prefix (not installed: a LAN route), in the table and
# in JSON; BIRD's withdrawal removes it.
#
# Part 3, cgwd with a `neighbor` over IPv6 addresses (as a session over
# AWS's IPv6 inside /126s runs): Established through the dual-stack
# listener or our connect, BIRD's IPv6 prefix reaches cgwd; then bgp/
# (bgp_speaker) with BIRD as a tunnel peer over IPv6: our IPv6 network
# reaches BIRD with our IPv6 end as next hop.
set -u
cd "$(dirname "$0")/../.."
. tests/system/bird.inc

B=${B:-build}
SPEAKER=$B/tests/tools/bgp_speaker
CGWD=${CGWD:-./cgwd}
CGWCTL=${CGWCTL:-./cgwctl}
bird_need "make all tools" "$SPEAKER" "$CGWD" "$CGWCTL"

bird_scratch bgp_ipv6
NC=b6c$S; N1=b6v1$S; N2=b6v2$S; NL=b6l$S
on_failure() {
	echo "--- speaker output"; tail -40 "$T/speaker.out" 2>/dev/null
	echo "--- speaker log"; tail -40 "$T/speaker.err" 2>/dev/null
	echo "--- cgwd log"; tail -40 "$T/cgwd.log" 2>/dev/null
}

vgw_topology

# bird_conf ID ROUTER-ID LOCAL-AS NEIGHBOR MODE [IPV6 ROUTES...]
#   MODE dual: ipv4 + ipv6 channels; v4only: ipv4 channel, no capabilities
bird_conf() {
	id=$1; rid=$2; as=$3; nb=$4; mode=$5; shift 5
	{
	echo "router id $rid;"
	echo "log \"$T/$id.log\" all;"
	echo "protocol device {}"
	echo "protocol static s4 { ipv4; route 172.31.0.0/16 blackhole; }"
	if [ $mode = dual ]; then
		echo "protocol static s6 { ipv6;"
		for r in "$@"; do echo "  route $r blackhole;"; done
		echo "}"
	fi
	echo "protocol bgp cgw {"
	echo "  local $rid as $as; neighbor $nb as 65000;"
	echo "  connect retry time 3; error wait time 2, 10;"
	[ $mode = v4only ] && echo "  capabilities off;"
	echo "  ipv4 { import all; export where proto = \"s4\"; };"
	if [ $mode = dual ]; then
		echo "  ipv6 { import all; export where proto = \"s6\";"
		echo "    extended next hop on; };"
	fi
	echo "}"
	} > "$T/$id.conf"
}
bird_conf vgw1 169.254.21.1 64512 169.254.21.2 dual 2600:1f00::/40
bird_conf vgw2 169.254.22.1 64512 169.254.22.2 v4only
bird_conf lan 10.224.0.1 65010 10.224.0.2 dual 2001:db8:200::/48
# The LAN router's IPv4 route is not the VPC's.
sed -i 's|route 172.31.0.0/16|route 10.230.0.0/16|' "$T/lan.conf"
bird_start vgw1:$N1 vgw2:$N2 lan:$NL

# ---- part 1: bgp/ as tunnel peers (bgp_speaker) ----
speaker_start -k -a 65000 -i 169.254.21.2 \
    -n 10.224.0.0/12 -n 2001:db8:100::/48 \
    -P "name=aws/t1,local=169.254.21.2,remote=169.254.21.1,as=64512,role=tunnel,lp=200" \
    -P "name=aws/t2,local=169.254.22.2,remote=169.254.22.1,as=64512,role=tunnel,lp=100,prepend=1" \
    -P "name=neighbor 10.224.0.1,local=10.224.0.2,remote=10.224.0.1,as=65010,role=neighbor"
status_has() {	# PATTERN: in a fresh `status`
	: > "$T/status.out"
	cmd status
	sleep 0.3
	grep PEER "$T/speaker.out" | tail -3 > "$T/status.out"
	grep -q -- "$1" "$T/status.out"
}

for p in aws/t1 aws/t2 "neighbor 10.224.0.1"; do
	wait_for 30 out_has "STATE $p OpenConfirm Established" &&
	    ok "$p Established" || fail "$p not Established"
done
wait_for 5 status_has "PEER aws/t1 Established .* af=ipv4,ipv6 " &&
    ok "t1 carries IPv4 and IPv6 unicast" || fail "t1 families: $(cat "$T/status.out")"
wait_for 5 status_has "PEER aws/t2 Established .* af=ipv4 " &&
    ok "t2 (no capabilities) carries IPv4 alone" || fail "t2 families: $(cat "$T/status.out")"
wait_for 5 status_has "PEER neighbor 10.224.0.1 Established .* af=ipv4,ipv6 " &&
    ok "LAN neighbor carries IPv4 and IPv6" || fail "LAN families: $(cat "$T/status.out")"
bc vgw1 show protocols all cgw | grep -A3 "Neighbor capabilities" |
    grep -q "AF announced:.*ipv6" &&
    ok "BIRD vgw1 saw our IPv6 unicast capability" ||
    fail "vgw1 capabilities: $(bc vgw1 show protocols all cgw)"

# Our IPv6 network: to vgw1 with an IPv4-mapped next hop, never to vgw2.
# (BIRD keeps and prints an IPv4-mapped address as the IPv4 one.)
wait_for 10 bird_route vgw1 2001:db8:100::/48 "via 169.254.21.2 on v" &&
    bird_route vgw1 2001:db8:100::/48 "BGP.next_hop: 169.254.21.2\$" &&
    ok "vgw1 learned 2001:db8:100::/48 via ::ffff:169.254.21.2" ||
    fail "vgw1 2001:db8:100::/48: $(bc vgw1 show route 2001:db8:100::/48 all)"
bird_route vgw1 2001:db8:100::/48 "BGP.as_path: 65000\$" &&
    ok "vgw1: AS_PATH [65000]" || fail "vgw1 path: $(bc vgw1 show route 2001:db8:100::/48 all)"
wait_for 10 bird_route vgw2 10.224.0.0/12 "BGP.as_path: 65000 65000\$" &&
    ok "vgw2 (no MP capability) still gets 10.224.0.0/12" ||
    fail "vgw2: $(bc vgw2 show route all)"
if bc vgw2 show route 2>/dev/null | grep -q 2001:db8 ||
    grep -q "aws/t2.*NOTIFICATION" "$T/speaker.err"; then
	fail "vgw2 got IPv6 or reset the session"
else
	ok "vgw2 gets no IPv6"
fi
wait_for 5 status_has "PEER aws/t2 Established .* tx=2 " &&
    ok "t2 is told 2 IPv4 prefixes" || fail "t2 count: $(cat "$T/status.out")"
wait_for 5 status_has "PEER aws/t1 Established .* tx=4 " &&
    ok "t1 is told 4 prefixes (2 IPv4, 2 IPv6)" || fail "t1 count: $(cat "$T/status.out")"

# vgw1's IPv6 prefix: learned, into the kernel on t1, to the LAN router.
wait_for 10 out_has "FIB 2600:1f00::/40 via 169.254.21.1 aws/t1" &&
    ok "2600:1f00::/40 learned via t1 (::ffff:169.254.21.1)" ||
    fail "no FIB 2600:1f00::/40: $(grep 2600 "$T/speaker.out")"
k6() { ip -n $NC -6 route show 2600:1f00::/40 proto 201; }
wait_for 5 sh -c "ip -n $NC -6 route show 2600:1f00::/40 proto 201 | grep -q 'dev t1'" &&
    ok "kernel: 2600:1f00::/40 dev t1 proto 201" || fail "kernel IPv6 route: $(k6)"
wait_for 10 bird_route lan 2600:1f00::/40 "BGP.as_path: 65000 64512\$" &&
    ok "LAN router hears 2600:1f00::/40 [65000 64512]" ||
    fail "lan 2600:1f00::/40: $(bc lan show route 2600:1f00::/40 all)"
wait_for 10 bird_route vgw1 2001:db8:200::/48 "BGP.as_path: 65000 65010\$" &&
    ok "LAN's 2001:db8:200::/48 reaches vgw1 [65000 65010]" ||
    fail "vgw1 2001:db8:200::/48: $(bc vgw1 show route 2001:db8:200::/48 all)"
: > "$T/routes.out"
cmd routes
wait_for 5 out_has "^END" && grep ROUTE "$T/speaker.out" > "$T/routes.out"
grep -q "2600:1f00::/40 nh=169.254.21.1 peer=aws/t1 lp=200 path=\[64512\] best installed" "$T/routes.out" &&
    grep -q "2001:db8:100::/48 nh=- peer=local" "$T/routes.out" &&
    grep -q "2001:db8:200::/48 nh=.* peer=neighbor 10.224.0.1 .* best\$" "$T/routes.out" &&
    ok "RIB: IPv6 routes beside IPv4, best and installed" ||
    fail "RIB walk: $(cat "$T/routes.out")"

# ROUTE-REFRESH for each family.
bc vgw1 reload in cgw >/dev/null
wait_for 5 sh -c "grep -q 'ROUTE-REFRESH: re-sending 2 prefixes (IPv6 unicast)' $T/speaker.err" &&
    ok "ROUTE-REFRESH for IPv6 answered with the IPv6 prefixes" ||
    fail "no IPv6 ROUTE-REFRESH answer: $(grep REFRESH "$T/speaker.err")"
grep -q "ROUTE-REFRESH: re-sending 2 prefixes (IPv4 unicast)" "$T/speaker.err" &&
    ok "ROUTE-REFRESH for IPv4 answered too" || fail "no IPv4 ROUTE-REFRESH answer"

# vgw1 withdraws: out of the RIB, the kernel and the LAN router.
bird_conf vgw1 169.254.21.1 64512 169.254.21.2 dual 2600:1f01::/48
bc vgw1 configure >/dev/null
wait_for 10 out_has "FIB 2600:1f00::/40 delete" &&
    ok "withdrawn 2600:1f00::/40 leaves the FIB" || fail "no FIB delete for 2600:1f00::/40"
wait_for 5 sh -c "! ip -n $NC -6 route show proto 201 | grep -q 2600:1f00::/40" &&
    ok "and the kernel" || fail "kernel still has: $(k6)"
wait_for 10 sh -c "! birdc -s $T/lan.sock show route 2600:1f00::/40 | grep -q 2600:1f00::/40" &&
    ok "and the LAN router" || fail "lan still has 2600:1f00::/40"
wait_for 10 out_has "FIB 2600:1f01::/48 via 169.254.21.1 aws/t1" &&
    ok "the new prefix 2600:1f01::/48 comes in its place" || fail "no 2600:1f01::/48"
# Our IPv6 network withdrawn from vgw1.
cmd network del 2001:db8:100::/48
wait_for 10 sh -c "! birdc -s $T/vgw1.sock show route 2001:db8:100::/48 | grep -q 2001:db8:100::/48" &&
    ok "network removed: withdrawn from vgw1 (MP_UNREACH_NLRI)" ||
    fail "vgw1 still has 2001:db8:100::/48"
grep -q "NOTIFICATION\|malformed\|treat-as-withdraw" "$T/speaker.err" &&
    fail "errors: $(grep -i "NOTIFICATION\|malformed\|withdraw" "$T/speaker.err")" ||
    ok "no session errors"
for id in vgw1 vgw2 lan; do
	grep -qi "error\|invalid\|malformed" "$T/$id.log" &&
	    fail "BIRD $id complains: $(grep -i "error\|invalid\|malformed" "$T/$id.log" | head -3)"
done
speaker_stop
ip -n $NC -6 route show proto 201 | grep -q . &&
    fail "IPv6 routes left after exit: $(ip -n $NC -6 route show proto 201)"

# ---- part 2: cgwd with the LAN router as a neighbor ----
cgwd_conf <<EOF
asn 65000
router-id 10.224.0.2
network 10.224.0.0/12
network 2001:db8:100::/48
neighbor 10.224.0.1 { remote-as 65010 }
EOF
bc lan restart cgw >/dev/null
cgwd_start
lan6_route() {
	routes_json && jq -e '.routes[] | select(.prefix == "2001:db8:200::/48"
	    and .next_hop == "10.224.0.1" and .from == "neighbor 10.224.0.1"
	    and .best == true and .installed == false)' "$T/routes.json"
}
cgwd_established 1 &&
    ok "cgwd: neighbor Established" || fail "cgwd session: $(ctl show bgp)"
ctl --json show bgp | jq -e '.bgp[0].address_families == ["ipv4-unicast", "ipv6-unicast"]' >/dev/null &&
    ok "cgwctl show bgp: address_families ipv4-unicast, ipv6-unicast" ||
    fail "address_families: $(ctl --json show bgp)"
wait_for 10 lan6_route &&
    ok "cgwctl show routes: 2001:db8:200::/48 via 10.224.0.1, best, not installed" ||
    fail "show routes: $(cat "$T/routes.json")"
ctl show routes | grep -q "^2001:db8:200::/48 *10.224.0.1 " &&
    ok "cgwctl show routes table lists the IPv6 route" ||
    fail "table: $(ctl show routes)"
bird_conf lan 10.224.0.1 65010 10.224.0.2 dual 2001:db8:201::/48
sed -i 's|route 172.31.0.0/16|route 10.230.0.0/16|' "$T/lan.conf"
bc lan configure >/dev/null
wait_for 10 sh -c "$CGWCTL -s $T/cgwd.sock --json show routes | jq -e '[.routes[].prefix] | index(\"2001:db8:201::/48\") != null and index(\"2001:db8:200::/48\") == null'" &&
    ok "BIRD's withdrawal removes 2001:db8:200::/48 from cgwd" ||
    fail "after withdraw: $(ctl --json show routes)"
grep -q "network 2001:db8:100::/48" "$T/cgwd.log" &&
    fail "cgwd refused the IPv6 network: $(grep 2001:db8:100 "$T/cgwd.log")"
cgwd_stop

# ---- part 3: a session over IPv6 addresses (as over IPv6 inside /126s) ----
ip -n $NC addr add fd00:224::2/126 dev lan nodad
ip -n $NL addr add fd00:224::1/126 dev c nodad
cat >> "$T/lan.conf" <<EOF
protocol bgp cgw6 {
  local fd00:224::1 as 65010; neighbor fd00:224::2 as 65000;
  connect retry time 3; error wait time 2, 10;
  ipv6 { import all; export where proto = "s6"; };
}
EOF
bc lan configure >/dev/null
cgwd_conf <<EOF
asn 65000
router-id 10.224.0.2
network 2001:db8:100::/48
neighbor fd00:224::1 { remote-as 65010 }
EOF
cgwd_start
cgwd_established 1 &&
    ok "IPv6 session: cgwd and BIRD Established over fd00:224::/126" ||
    fail "IPv6 session: $(ctl show bgp)"
wait_for 10 sh -c "$CGWCTL -s $T/cgwd.sock --json show routes | jq -e '.routes[] | select(.prefix == \"2001:db8:201::/48\" and .from == \"neighbor fd00:224::1\")'" &&
    ok "IPv6 session: cgwd learns BIRD's 2001:db8:201::/48" ||
    fail "IPv6 session, cgwd: $(ctl --json show routes)"
cgwd_stop
# Our networks go to tunnel peers: bgp/ with BIRD as one, over IPv6.
bc lan restart cgw6 >/dev/null
speaker_start -a 65000 -i 10.224.0.2 -n 2001:db8:100::/48 \
    -P "name=aws/t6,local=fd00:224::2,remote=fd00:224::1,as=65010,role=tunnel"
wait_for 30 bird_route lan 2001:db8:100::/48 "via fd00:224::2" &&
    ok "IPv6 session: BIRD learns our network, next hop our IPv6 end fd00:224::2" ||
    fail "IPv6 session, BIRD: $(bc lan show route 2001:db8:100::/48 all)"
speaker_stop

[ $fails -eq 0 ] && echo "PASS: bgp_ipv6" && exit 0
echo "FAILED: $fails check(s)"
exit 1
