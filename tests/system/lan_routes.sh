#!/bin/sh
# `install-routes` (issue 13): a LAN neighbor's routes in cgwd's kernel,
# against real BIRD 2 in network namespaces; no IPsec needed. Topology:
#
#   lan  (BIRD, AS 65010) 10.224.0.1/24, fd00:224::1/64 --- lan  \
#                                                                 cgw (cgwd, AS 65000)
#   lan2 (BIRD, AS 65020) 10.225.0.1/24                 --- lan2 /
#
# lan originates 10.230.0.0/16, 10.231.0.0/16, its own LAN 10.224.0.0/24
# over an IPv4 session and 2001:db8:200::/48 over an IPv6 one; lan2
# 10.240.0.0/16 and has no install-routes.
#
# Part 1, install-routes on for both of lan's sessions: lan's prefixes are
# in `ip route show proto 201` via 10.224.0.1 (fd00:224::1) dev lan and
# `installed: true` in `cgwctl --json show routes`; the LAN's own prefix
# is not (it would replace the connected route, which stays); lan2's are
# not; neither neighbor hears the other's routes (no propagation between
# LAN neighbors); a withdrawal takes the route out of the kernel; a route
# deleted behind cgwd's back is put back by the 30 s reconcile, which
# leaves the others alone; the session going down takes them all out, as
# does cgwd's exit; a reload turning it off takes them out, one turning it
# on puts them back.
#
# Part 2, install-routes off (the default): nothing in the kernel,
# `installed: false`.
set -u
cd "$(dirname "$0")/../.."
. tests/system/bird.inc

CGWD=${CGWD:-./cgwd}
CGWCTL=${CGWCTL:-./cgwctl}
bird_need "make all" "$CGWD" "$CGWCTL"

bird_scratch lan_routes
NC=lrc$S; NL=lrl$S; N2=lr2$S
on_failure() {
	echo "--- cgwd log"; tail -60 "$T/cgwd.log" 2>/dev/null
}

netns_up $NC $NL $N2
link $NC lan 10.224.0.2/24 $NL c 10.224.0.1/24
link $NC lan2 10.225.0.2/24 $N2 c 10.225.0.1/24
ip -n $NC addr add fd00:224::2/64 dev lan nodad
ip -n $NL addr add fd00:224::1/64 dev c nodad

# lan_conf ROUTES...: lan's IPv4 routes (its IPv6 one is fixed).
lan_conf() {
	{
	echo "router id 10.224.0.1;"
	echo "log \"$T/lan.log\" all;"
	echo "protocol device {}"
	echo "protocol static s4 { ipv4;"
	for r in "$@"; do echo "  route $r blackhole;"; done
	echo "}"
	echo "protocol static s6 { ipv6; route 2001:db8:200::/48 blackhole; }"
	echo "protocol bgp cgw {"
	echo "  local 10.224.0.1 as 65010; neighbor 10.224.0.2 as 65000;"
	echo "  connect retry time 3; error wait time 2, 10;"
	echo "  ipv4 { import all; export where proto = \"s4\"; };"
	echo "}"
	echo "protocol bgp cgw6 {"
	echo "  local fd00:224::1 as 65010; neighbor fd00:224::2 as 65000;"
	echo "  connect retry time 3; error wait time 2, 10;"
	echo "  ipv6 { import all; export where proto = \"s6\"; };"
	echo "}"
	} > "$T/lan.conf"
}
lan_conf 10.230.0.0/16 10.231.0.0/16 10.224.0.0/24
cat > "$T/lan2.conf" <<EOF
router id 10.225.0.1;
log "$T/lan2.log" all;
protocol device {}
protocol static s4 { ipv4; route 10.240.0.0/16 blackhole; }
protocol bgp cgw {
  local 10.225.0.1 as 65020; neighbor 10.225.0.2 as 65000;
  connect retry time 3; error wait time 2, 10;
  ipv4 { import all; export where proto = "s4"; };
}
EOF
bird_start lan:$NL lan2:$N2

# installed PREFIX true|false: `installed` of its best path
installed() {
	routes_json && jq -e --arg p "$1" --argjson i "$2" '[.routes[] |
	    select(.prefix == $p and .best == true and .installed == $i)] |
	    length == 1' "$T/routes.json"
}
k4() { ip -n $NC route show proto 201; }
k6() { ip -n $NC -6 route show proto 201; }
kernel_has() {	# PATTERN
	{ k4; k6; } | grep -q -- "$1"
}
write_conf() {	# INSTALL (on|off)
	cgwd_conf <<EOF
asn 65000
router-id 10.224.0.2
network 10.224.0.0/12
neighbor 10.224.0.1 { remote-as 65010; install-routes $1 }
neighbor fd00:224::1 { remote-as 65010; install-routes $1 }
neighbor 10.225.0.1 { remote-as 65020 }
EOF
}
three_up() { cgwd_established 3; }
start_cgwd() {	# INSTALL (on|off)
	write_conf $1
	cgwd_start
	three_up && ok "cgwd: three neighbors Established" ||
	    fail "sessions: $(ctl show bgp)"
}

# ---- part 1: install-routes on ----
start_cgwd on
wait_for 10 kernel_has "10.230.0.0/16 via 10.224.0.1 dev lan" &&
    ok "kernel: 10.230.0.0/16 via 10.224.0.1 dev lan proto 201" ||
    fail "kernel: $(k4)"
kernel_has "10.231.0.0/16 via 10.224.0.1 dev lan" &&
    ok "kernel: 10.231.0.0/16 via 10.224.0.1" || fail "kernel: $(k4)"
wait_for 10 kernel_has "2001:db8:200::/48 via fd00:224::1 dev lan" &&
    ok "kernel: 2001:db8:200::/48 via fd00:224::1 dev lan proto 201 (IPv6)" ||
    fail "kernel IPv6: $(k6)"
wait_for 5 installed 10.230.0.0/16 true &&
    ok "show routes --json: 10.230.0.0/16 installed: true" ||
    fail "show routes: $(cat "$T/routes.json")"
installed 2001:db8:200::/48 true &&
    ok "show routes --json: 2001:db8:200::/48 installed: true" ||
    fail "show routes: $(cat "$T/routes.json")"
# The LAN itself: learned, best, but kept out (the connected route stays).
installed 10.224.0.0/24 false && ! kernel_has "10.224.0.0/24" &&
    ip -n $NC route show 10.224.0.0/24 | grep -q "proto kernel scope link" &&
    ok "10.224.0.0/24 (the LAN via its own router) not installed; connected route intact" ||
    fail "10.224.0.0/24: $(ip -n $NC route show 10.224.0.0/24); $(cat "$T/routes.json")"
# lan2 has no install-routes.
wait_for 10 installed 10.240.0.0/16 false && ! kernel_has 10.240.0.0/16 &&
    ok "lan2's 10.240.0.0/16 (install-routes off): not installed" ||
    fail "10.240.0.0/16: $(k4); $(cat "$T/routes.json")"
# No propagation between LAN neighbors.
sleep 2
if bird_has lan2 10.230.0.0/16 || bird_has lan 10.240.0.0/16; then
	fail "a LAN neighbor's route reached the other: $(bc lan2 show route; bc lan show route)"
else
	ok "not propagated between LAN neighbors"
fi

# A withdrawal takes the route out of the kernel and the RIB.
lan_conf 10.230.0.0/16 10.224.0.0/24
bc lan configure >/dev/null
wait_for 10 sh -c "! ip -n $NC route show proto 201 | grep -q 10.231.0.0/16" &&
    ok "withdrawn 10.231.0.0/16 leaves the kernel" || fail "kernel still: $(k4)"
routes_json; jq -e '[.routes[] | select(.prefix == "10.231.0.0/16")] | length == 0' \
    "$T/routes.json" >/dev/null && ok "and show routes" ||
    fail "show routes: $(cat "$T/routes.json")"

# The reconcile puts back what was deleted behind cgwd's back.
ip -n $NC route del 10.230.0.0/16 proto 201
wait_for 40 kernel_has "10.230.0.0/16 via 10.224.0.1 dev lan" &&
    ok "reconcile: 10.230.0.0/16 put back" || fail "not put back: $(k4)"
grep -q "route 10.230.0.0/16 is missing from the kernel" "$T/cgwd.log" &&
    ok "reconcile said so" || fail "no reconcile line"
grep -q "route 2001:db8:200::/48 differs\|route 10.230.0.0/16 differs" "$T/cgwd.log" &&
    fail "reconcile found installed LAN routes different: $(grep differs "$T/cgwd.log")" ||
    ok "reconcile leaves the LAN routes it installed alone"
grep -q "refused\|not a tunnel interface" "$T/cgwd.log" &&
    fail "refusals: $(grep "refused\|not a tunnel" "$T/cgwd.log" | head -3)"

# The session down: its routes leave the kernel.
bc lan disable cgw >/dev/null
wait_for 10 sh -c "! ip -n $NC route show proto 201 | grep -q 10.230.0.0/16" &&
    ok "session down: 10.230.0.0/16 leaves the kernel" || fail "kernel still: $(k4)"
kernel_has "2001:db8:200::/48" && ok "the IPv6 session's route stays" ||
    fail "IPv6 route gone too: $(k6)"
bc lan enable cgw >/dev/null
wait_for 20 kernel_has "10.230.0.0/16 via 10.224.0.1 dev lan" &&
    ok "session back: 10.230.0.0/16 back in the kernel" || fail "not back: $(k4)"

# A reload turning it off: the sessions start again, the routes leave.
write_conf off
ctl reload >/dev/null 2>&1 || fail "reload: $(ctl reload 2>&1)"
wait_for 20 sh -c "! ip -n $NC route show proto 201 | grep -q . &&
    ! ip -n $NC -6 route show proto 201 | grep -q ." &&
    ok "reload to install-routes off: the routes leave the kernel" ||
    fail "after reload: $(k4; k6)"
three_up && wait_for 10 installed 10.230.0.0/16 false &&
    ok "reload: sessions back, 10.230.0.0/16 installed: false" ||
    fail "after reload: $(ctl show bgp); $(cat "$T/routes.json")"
# And back on.
write_conf on
ctl reload >/dev/null 2>&1 || fail "reload: $(ctl reload 2>&1)"
wait_for 30 kernel_has "10.230.0.0/16 via 10.224.0.1 dev lan" &&
    wait_for 10 kernel_has "2001:db8:200::/48 via fd00:224::1 dev lan" &&
    ok "reload to install-routes on: the routes come back" ||
    fail "after reload on: $(k4; k6)"
cgwd_stop
{ k4; k6; } | grep -q . && fail "routes left after exit: $(k4; k6)" ||
    ok "cgwd's exit removes them"

# ---- part 2: install-routes off (the default) ----
start_cgwd off
wait_for 10 installed 10.230.0.0/16 false &&
    ok "install-routes off: 10.230.0.0/16 best, installed: false" ||
    fail "show routes: $(cat "$T/routes.json")"
wait_for 10 installed 2001:db8:200::/48 false &&
    ok "install-routes off: 2001:db8:200::/48 installed: false" ||
    fail "show routes: $(cat "$T/routes.json")"
sleep 1
{ k4; k6; } | grep -q . && fail "install-routes off, yet: $(k4; k6)" ||
    ok "install-routes off: nothing in the kernel (proto 201)"
cgwd_stop

[ $fails -eq 0 ] && echo "PASS: lan_routes" && exit 0
echo "FAILED: $fails check(s)"
exit 1
