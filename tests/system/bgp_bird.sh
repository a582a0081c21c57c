#!/bin/sh
# Interop of bgp/ (through tests/tools/bgp_speaker) with real BIRD 2, in
# network namespaces; no IPsec needed. Topology:
#
#   vgw1 (BIRD, AS 64512) 169.254.21.1/30 --- 169.254.21.2/30 \
#   vgw2 (BIRD, AS 64512) 169.254.22.1/30 --- 169.254.22.2/30  cgw (bgp_speaker, AS 65000)
#   lan  (BIRD, AS 65010) 10.224.0.1/24   --- 10.224.0.2/24   /
#
# Both VGWs originate 172.31.0.0/16 as AWS would; the LAN router 10.230.0.0/16.
# Checked: sessions Established; active/standby (t1 preferred by local-pref,
# t2 prepended); 172.31.0.0/16 installed in the cgw kernel via t1; BIRD sees
# our 10.224.0.0/12 with [65000] on t1 and [65000 65000] on t2 and the LAN
# prefix; the LAN router (a 2-octet-AS speaker) gets 172.31.0.0/16; its own
# 10.230.0.0/16 is best but not installed (kept out of the kernel); a
# reconcile puts back a kernel route deleted or changed behind our back and
# removes a stray of protocol 201; bgp_peer_down on t1 moves the
# route to t2 at once; t1's BIRD frozen (SIGSTOP) -> hold timer expiry ->
# failover; ROUTE-REFRESH; loop prevention; max-prefix -> Cease/Maximum
# Number of Prefixes Reached; ecmp.
set -u
. "$(dirname "$0")/bird.inc"

B=${B:-build}
SPEAKER=$B/tests/tools/bgp_speaker
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
for t in bird birdc ip; do
	command -v $t >/dev/null || { echo "SKIP: no $t"; exit 77; }
done
[ -x "$SPEAKER" ] || { echo "FAIL: $SPEAKER not built"; exit 1; }

bird_scratch bgp_bird
NC=bgpc$S; N1=bgpv1$S; N2=bgpv2$S; NL=bgpl$S
on_failure() {
	echo "--- speaker output"; cat "$T/speaker.out" 2>/dev/null
	echo "--- speaker log"; tail -50 "$T/speaker.err" 2>/dev/null
}

vgw_topology

# vgw_conf ID LOCAL NEIGHBOR [EXTRA STATIC ROUTES...]
vgw_conf() {
	id=$1; la=$2; nb=$3; shift 3
	{
	echo "router id $la;"
	echo "log \"$T/$id.log\" all;"
	echo "protocol device {}"
	echo "protocol static s4 { ipv4; route 172.31.0.0/16 blackhole;"
	echo "  route 172.29.0.0/16 blackhole;"
	echo "  route 172.28.0.0/16 blackhole;"
	for r in "$@"; do echo "  route $r blackhole;"; done
	echo "}"
	cat <<EOF
protocol bgp cgw {
	local $la as 64512;
	neighbor $nb as 65000;
	hold time 30; keepalive time 10; connect retry time 5;
	# BIRD waits 60 s after an error by default; keep the test short
	error wait time 2, 10;
	ipv4 { import all; export filter {
		if proto != "s4" then reject;
		# a path with our ASN in it: cgw must drop it (loop)
		if net = 172.29.0.0/16 then bgp_path.prepend(65000);
		# a 4-octet ASN, for the 2-octet LAN router (AS4_PATH)
		if net = 172.28.0.0/16 then bgp_path.prepend(4200000000);
		accept;
	}; };
}
EOF
	} > "$T/$id.conf"
}
vgw_conf vgw1 169.254.21.1 169.254.21.2
vgw_conf vgw2 169.254.22.1 169.254.22.2
cat > "$T/lan.conf" <<EOF
router id 10.224.0.1;
log "$T/lan.log" all;
protocol device {}
protocol static s4 { ipv4; route 10.230.0.0/16 blackhole; }
protocol bgp cgw {
	local 10.224.0.1 as 65010;
	neighbor 10.224.0.2 as 65000;
	connect retry time 5;
	enable as4 off;		# an old 2-octet-AS speaker
	enable route refresh off;
	error wait time 2, 10;
	ipv4 { import all; export where proto = "s4"; };
}
EOF
bird_start vgw1:$N1 vgw2:$N2 lan:$NL

# start_speaker EXTRA-ARGS...: cgw with t1, t2 and the LAN neighbor.
start_speaker() {
	speaker_start -k -a 65000 -i 169.254.21.2 -n 10.224.0.0/12 "$@"
}
bird_proto() {	# ID PATTERN: in BIRD's view of the session (last error)
	bc "$1" show protocols all cgw | grep -q -- "$2"
}
kroute() { ip -n $NC route show "$@"; }

T1="name=aws/t1,local=169.254.21.2,remote=169.254.21.1,as=64512,role=tunnel,max=1000"
T2="name=aws/t2,local=169.254.22.2,remote=169.254.22.1,as=64512,role=tunnel,max=3"
LAN="name=neighbor 10.224.0.1,local=10.224.0.2,remote=10.224.0.1,as=65010,role=neighbor"

# ---- active/standby ----
start_speaker -P "$T1,lp=200" -P "$T2,lp=100,prepend=1" -P "$LAN"
for p in aws/t1 aws/t2 "neighbor 10.224.0.1"; do
	if wait_for 30 out_has "STATE $p OpenConfirm Established"; then
		ok "$p Established"
	else
		fail "$p not Established"
	fi
done
for id in vgw1 vgw2 lan; do
	wait_for 10 sh -c "birdc -s $T/$id.sock show protocols cgw | grep -q Established" &&
	    ok "BIRD $id Established" || fail "BIRD $id not Established"
done
wait_for 10 out_has "FIB 172.31.0.0/16 via 169.254.21.1 aws/t1" &&
    ok "172.31.0.0/16 learned, best via t1" || fail "172.31.0.0/16 not via t1"
wait_for 5 sh -c "ip -n $NC route show 172.31.0.0/16 proto 201 | grep -q 'via 169.254.21.1 dev t1'" &&
    ok "kernel route 172.31.0.0/16 via t1" || fail "no kernel route via t1: $(kroute 172.31.0.0/16)"
wait_for 10 bird_route vgw1 10.224.0.0/12 "BGP.as_path: 65000\$" &&
    ok "vgw1 has 10.224.0.0/12 [65000]" || fail "vgw1 path: $(bc vgw1 show route 10.224.0.0/12 all)"
wait_for 10 bird_route vgw2 10.224.0.0/12 "BGP.as_path: 65000 65000\$" &&
    ok "vgw2 has 10.224.0.0/12 [65000 65000] (prepend)" || fail "vgw2 path: $(bc vgw2 show route 10.224.0.0/12 all)"
wait_for 10 bird_route vgw1 10.224.0.0/12 "BGP.next_hop: 169.254.21.2" &&
    ok "next hop self on t1" || fail "vgw1 next hop"
wait_for 10 bird_route vgw1 10.230.0.0/16 "BGP.as_path: 65000 65010\$" &&
    ok "LAN prefix 10.230.0.0/16 advertised to AWS" || fail "vgw1 lacks the LAN prefix"
wait_for 10 bird_route lan 172.31.0.0/16 "BGP.as_path: 65000 64512\$" &&
    ok "LAN neighbor receives 172.31.0.0/16" || fail "lan: $(bc lan show route 172.31.0.0/16 all)"
wait_for 10 bird_route lan 172.28.0.0/16 "BGP.as_path: 65000 64512 4200000000\$" &&
    ok "2-octet LAN router: 4-octet ASN restored from AS4_PATH" ||
    fail "lan 172.28.0.0/16: $(bc lan show route 172.28.0.0/16 all)"
if bc lan show route 10.224.0.0/12 | grep -q 10.224.0.0/12; then
	fail "LAN neighbor got our own network"
else
	ok "LAN neighbor gets only VPN routes"
fi
: > "$T/routes.out"
cmd routes
wait_for 5 out_has "^END" && grep ROUTE "$T/speaker.out" > "$T/routes.out"
if grep -q "172.31.0.0/16 nh=169.254.21.1 peer=aws/t1 lp=200 path=\[64512\] best installed" "$T/routes.out" &&
    grep -q "172.31.0.0/16 nh=169.254.22.1 peer=aws/t2 lp=100 path=\[64512\]\$" "$T/routes.out" &&
    grep -q "10.224.0.0/12 nh=- peer=local lp=100 path=\[\] best\$" "$T/routes.out"; then
	ok "RIB: best t1 installed, t2 standby, local network"
else
	fail "RIB walk: $(cat "$T/routes.out")"
fi
if grep -q "10.230.0.0/16 nh=10.224.0.1 peer=neighbor 10.224.0.1 lp=100 path=\[65010\] best\$" "$T/routes.out" &&
    ! ip -n $NC route show proto 201 | grep -q 10.230.0.0/16; then
	ok "LAN route: best, not installed, not in the kernel"
else
	fail "LAN route: $(grep 10.230 "$T/routes.out"); kernel: $(ip -n $NC route show proto 201)"
fi

# ---- reconcile: the kernel's routes of protocol 201 follow the FIB ----
ip -n $NC route del 172.31.0.0/16 proto 201
ip -n $NC route add 10.99.0.0/16 via 169.254.21.1 proto 201	# not in the FIB
cmd reconcile
if wait_for 5 out_has "^RECONCILED" &&
    ip -n $NC route show 172.31.0.0/16 proto 201 | grep -q "via 169.254.21.1 dev t1"; then
	ok "reconcile: a route deleted behind our back is back"
else
	fail "reconcile: 172.31.0.0/16 not back: $(kroute 172.31.0.0/16)"
fi
if ip -n $NC route show proto 201 | grep -q 10.99.0.0/16; then
	fail "reconcile: a stray route of protocol 201 is left"
else
	ok "reconcile: a stray route of protocol 201 is removed"
fi
ip -n $NC route replace 172.31.0.0/16 via 169.254.22.1 dev t2 proto 201
cmd reconcile
sleep 0.5
ip -n $NC route show 172.31.0.0/16 proto 201 | grep -q "via 169.254.21.1 dev t1" &&
    ok "reconcile: a route changed behind our back is put right" ||
    fail "reconcile: 172.31.0.0/16 left as $(kroute 172.31.0.0/16)"

if grep -q 172.29.0.0 "$T/routes.out"; then
	fail "a path with our own ASN was accepted"
else
	ok "loop prevention: 172.29.0.0/16 [64512 65000] dropped"
fi
if bc vgw1 show route 172.31.0.0/16 all | grep -q "65000"; then
	fail "t1 got the VPC route back"
else
	ok "VPC routes not echoed to the VGW"
fi

bc vgw1 reload in cgw >/dev/null
wait_for 5 sh -c "grep -q 'ROUTE-REFRESH: re-sending 2 prefixes' $T/speaker.err" &&
    ok "ROUTE-REFRESH answered with the Adj-RIB-Out" || fail "no ROUTE-REFRESH answer"
bc vgw1 show protocols all cgw | sed -n '/Neighbor capabilities/,/Session:/p' |
    grep -q "4-octet AS numbers" &&
    ok "4-octet AS capability seen by BIRD" || fail "BIRD saw no AS4 capability"

# ---- tunnel death: bgp_peer_down ----
: > "$T/speaker.out"
cmd down aws/t1
wait_for 5 out_has "FIB 172.31.0.0/16 via 169.254.22.1 aws/t2" &&
    ok "t1 down: 172.31.0.0/16 moved to t2" || fail "no failover to t2"
wait_for 5 sh -c "ip -n $NC route show 172.31.0.0/16 proto 201 | grep -q 'via 169.254.22.1 dev t2'" &&
    ok "kernel route moved to t2" || fail "kernel route: $(kroute 172.31.0.0/16)"
wait_for 5 bird_proto vgw1 "Received: Administrative shutdown" &&
    ok "vgw1 got Cease/Administrative Shutdown" || fail "vgw1 got no Cease: $(bc vgw1 show protocols all cgw)"
wait_for 10 bird_route lan 172.31.0.0/16 "BGP.as_path: 65000 64512\$" &&
    ok "LAN still has 172.31.0.0/16 (via t2)" || fail "LAN lost 172.31.0.0/16"
: > "$T/speaker.out"
cmd start aws/t1
wait_for 30 out_has "FIB 172.31.0.0/16 via 169.254.21.1 aws/t1" &&
    ok "t1 back: route back on t1" || fail "route not back on t1"

# ---- tunnel death: t1's VGW frozen, hold timer expiry ----
: > "$T/speaker.out"
kill -STOP "$(cat "$T/vgw1.pid")"
if wait_for 40 out_has "FIB 172.31.0.0/16 via 169.254.22.1 aws/t2"; then
	ok "hold timer expired: route moved to t2"
	grep -q "Hold Timer Expired" "$T/speaker.err" &&
	    ok "logged Hold Timer Expired" || fail "no Hold Timer Expired log"
else
	fail "no failover after hold time"
fi
kill -CONT "$(cat "$T/vgw1.pid")"
wait_for 40 out_has "STATE aws/t1 OpenConfirm Established" &&
    ok "t1 re-established" || fail "t1 not re-established"

# ---- max-prefix on t2 (max=3) ----
vgw_conf vgw2 169.254.22.1 169.254.22.2 172.30.1.0/24 172.30.2.0/24 172.30.3.0/24
bc vgw2 configure >/dev/null
wait_for 10 sh -c "grep -q 'Maximum Number of Prefixes Reached' $T/speaker.err" &&
    ok "max-prefix: Cease sent" || fail "max-prefix not enforced"
wait_for 10 bird_proto vgw2 "Received: Maximum number of prefixes reached" &&
    ok "vgw2 received Cease/Maximum Number of Prefixes" || fail "vgw2 saw no Cease"
vgw_conf vgw2 169.254.22.1 169.254.22.2
bc vgw2 configure >/dev/null
speaker_stop

# ---- ecmp: equal local-pref, no prepend, multipath ----
start_speaker -m -P "$T1" -P "$T2"
for p in aws/t1 aws/t2; do
	wait_for 40 out_has "STATE $p OpenConfirm Established" ||
	    fail "ecmp: $p not Established"
done
if wait_for 40 out_has "FIB 172.31.0.0/16 via 169.254.2[12].1 aws/t[12] via 169.254.2[12].1 aws/t[12]"; then
	ok "ecmp: 172.31.0.0/16 via both tunnels"
else
	fail "ecmp: no multipath route: $(grep FIB "$T/speaker.out")"
fi
wait_for 5 sh -c "ip -n $NC route show 172.31.0.0/16 proto 201 | grep -c nexthop | grep -q 2" &&
    ok "ecmp: kernel multipath route" || fail "ecmp kernel route: $(kroute 172.31.0.0/16)"
wait_for 10 bird_route vgw2 10.224.0.0/12 "BGP.as_path: 65000\$" &&
    ok "ecmp: no prepend on t2" || fail "ecmp: t2 path"
: > "$T/speaker.out"
cmd down aws/t2
wait_for 5 out_has "FIB 172.31.0.0/16 via 169.254.21.1 aws/t1\$" &&
    ok "ecmp: t2 down leaves t1 only" || fail "ecmp: t2 down"
speaker_stop
ip -n $NC route show proto 201 | grep -q . && fail "routes left after exit: $(ip -n $NC route show proto 201)"

[ $fails -eq 0 ] && echo "PASS: bgp_bird" && exit 0
echo "FAILED: $fails check(s)"
exit 1
