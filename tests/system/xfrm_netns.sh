#!/bin/sh
# xfrm/ against the real kernel of this host, in a fresh network namespace:
# policies, routes (single, ECMP, other table, IPv6), larval SAs from
# ALLOCSPI, clean stop, stale cleanup after kill -9 (and that it spares
# objects that are not cgwd's), and the clear errors where the kernel lacks
# ESP or XFRM interfaces. Needs root. Exit 0 = pass.
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
T=$B/tests/tools/xfrmtool

if [ -z "${XFRM_NETNS_INNER:-}" ]; then
	# The lead's Makefile rule may build it; until then, build it here.
	if [ ! -x "$T" ] || [ "$T" -ot tests/tools/xfrmtool.c ] ||
	    [ "$T" -ot "$B/libcgw.a" ]; then
		mkdir -p "$B/tests/tools"
		${CC:-cc} -D_GNU_SOURCE -I. -I"$B" -std=c11 -O2 -g -Wall \
		    -Wextra -Werror -Wshadow -Wstrict-prototypes \
		    -Wmissing-prototypes -o "$T" tests/tools/xfrmtool.c \
		    "$B/libcgw.a" $(pkg-config --libs libevent libmnl libcrypto libsystemd)
	fi
	XFRM_NETNS_INNER=1 exec unshare -n sh "$0" "$@"
fi

IFID=0x43470001
IFID2=0x43470002
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

# start_hold NAME ARGS...: run xfrmtool ARGS -- hold in the background
start_hold() {
	n=$1; shift
	"$T" "$@" -- hold >"$W/$n.out" 2>"$W/$n.err" &
	echo $! >"$W/$n.pid"
	i=0
	while ! grep -q holding "$W/$n.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 "$(cat "$W/$n.pid")" 2>/dev/null; then
			cat "$W/$n.err"
			fail "xfrmtool $n did not reach hold"
		fi
		sleep 0.1
	done
}
stop_hold() {	# NAME SIGNAL
	kill -"$2" "$(cat "$W/$1.pid")"
	wait "$(cat "$W/$1.pid")" || true
}
count() { "$@" | grep -c . || true; }

ip link set lo up
ip link add v0 type veth peer name v1
ip link add v2 type veth peer name v3
for i in v0 v1 v2 v3; do ip link set $i up; done
ip addr add 192.0.2.1/24 dev v0
ip addr add 10.9.0.1/30 dev v0
ip addr add 10.9.0.5/30 dev v2
ip -6 addr add 2001:db8::1/64 dev v0 nodad

# ---- 1. policies and routes, removed at a clean stop ----
start_hold a \
    policy-add $IFID $IFID 192.0.2.1 192.0.2.2 -- \
    policy-add $IFID $IFID 192.0.2.1 192.0.2.2 6 -- \
    route-add 10.20.0.0/16 10.9.0.2 v0 -- \
    route-add 10.21.0.0/16 10.9.0.2 v0 10.9.0.6 v2 -- \
    route-add 10.22.0.0/16 10.9.0.2 v0 table 100 -- \
    route-add 2001:db8:100::/48 - v0 -- \
    spi-alloc 192.0.2.1 192.0.2.2 $IFID $IFID

n=$(ip xfrm policy | grep -c "if_id $IFID") || true
[ "$n" = 6 ] || { ip xfrm policy; fail "expected 6 policies, got $n"; }
ip xfrm policy list dir out | grep -q "tmpl src 192.0.2.1 dst 192.0.2.2" ||
    fail "out policy template"
ip xfrm policy list dir in | grep -q "tmpl src 192.0.2.2 dst 192.0.2.1" ||
    fail "in policy template"
ip xfrm policy | grep -q "reqid 1128726529 mode tunnel" || fail "reqid"
ok "6 policies with if_id and tunnel templates"

ip route show proto 201 | grep -q "^10.20.0.0/16 via 10.9.0.2 dev v0" ||
    { ip route show proto 201; fail "single-path route"; }
ip route show proto 201 | grep -A2 "^10.21.0.0/16" | grep -q "nexthop via 10.9.0.6 dev v2" ||
    { ip route show proto 201; fail "ECMP route"; }
ip route show proto 201 table 100 | grep -q "^10.22.0.0/16 via 10.9.0.2" ||
    fail "route in table 100"
ip -6 route show proto 201 | grep -q "^2001:db8:100::/48 dev v0" ||
    fail "IPv6 route"
ok "routes: single, ECMP, table 100, IPv6"

spi=$(sed -n 's/^spi //p' "$W/a.out")
case $spi in 0xc*) ;; *) fail "SPI $spi not in 0xc0000000-0xcfffffff" ;; esac
ip xfrm state | grep -q "spi $spi" || fail "larval SA $spi missing"
ip xfrm state | grep -q "if_id $IFID" || fail "larval SA without if_id"
ok "ALLOCSPI larval SA $spi with if_id"

stop_hold a TERM
[ "$(count ip xfrm policy)" = 0 ] || { ip xfrm policy; fail "policies left"; }
[ "$(count ip route show proto 201 table all)" = 0 ] || fail "routes left"
[ "$(count ip -6 route show proto 201 table all)" = 0 ] || fail "v6 routes left"
[ "$(count ip xfrm state)" = 0 ] || { ip xfrm state; fail "SA left"; }
ok "clean stop removed everything"

# ---- 2. kill -9, then stale cleanup spares what is not ours ----
ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out tmpl src 192.0.2.1 \
    dst 192.0.2.9 proto esp mode tunnel reqid 7 if_id 7
ip route add 10.30.0.0/16 via 10.9.0.2 proto static
ip route add 10.31.0.0/16 via 10.9.0.2 proto 201	# ours by protocol
start_hold b \
    policy-add $IFID2 $IFID2 192.0.2.1 192.0.2.3 -- \
    route-add 10.23.0.0/16 10.9.0.2 v0 -- \
    route-add 10.24.0.0/16 10.9.0.2 v0 table 101 -- \
    spi-alloc 192.0.2.1 192.0.2.3 $IFID2 $IFID2
stop_hold b KILL
[ "$(ip xfrm policy | grep -c "if_id $IFID2")" = 3 ] || fail "kill -9 left no policies?"
"$T" cleanup 2>"$W/cleanup.err" || { cat "$W/cleanup.err"; fail "cleanup"; }
ip xfrm policy | grep -q "if_id $IFID2" && fail "stale policies left"
[ "$(count ip route show proto 201 table all)" = 0 ] || fail "stale routes left"
ip xfrm state | grep -q "if_id $IFID2" && fail "stale SA left"
ip xfrm policy | grep -q "if_id 0x7" || fail "cleanup removed a foreign policy"
ip route show proto static | grep -q 10.30.0.0/16 || fail "cleanup removed a foreign route"
grep -q "delete stale policy" "$W/cleanup.err" || fail "cleanup did not log"
ok "stale cleanup removed ours, kept foreign objects"
ip xfrm policy flush

# ---- 3. clear errors where the kernel lacks features ----
K=0102030405060708091011121314151617181920
A=0102030405060708091011121314151601020304050607080910111213141516
if ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x999 \
    mode tunnel enc 'cbc(aes)' 0x01020304050607080910111213141516 \
    auth-trunc 'hmac(sha256)' 0x$A 128 2>/dev/null; then
	ip xfrm state flush
	echo "skip: this kernel has ESP"
else
	if "$T" sa-add $IFID $IFID 192.0.2.1 192.0.2.2 0xc0000001 0xc0000002 \
	    cbc-sha256 01020304050607080910111213141516 \
	    01020304050607080910111213141516 $A $A 2>"$W/esp.err"; then
		fail "SA install succeeded without ESP?"
	fi
	cat "$W/esp.err"
	grep -q "CONFIG_INET_ESP" "$W/esp.err" || fail "no-ESP message"
	"$T" sa-add $IFID $IFID 192.0.2.1 192.0.2.2 0xc0000001 0xc0000002 \
	    gcm $K $K 2>"$W/gcm.err" && fail "GCM SA without ESP?"
	cat "$W/gcm.err"
	grep -q "CONFIG_" "$W/gcm.err" || fail "no-GCM message"
	grep -q "kernel says" "$W/gcm.err" || fail "extended ack missing"
	[ "$(count ip xfrm state)" = 0 ] || fail "half an SA pair left"
	ok "missing ESP is named"
fi
if ip link add xt0 type xfrm if_id 9 2>/dev/null; then
	ip link del xt0
	echo "skip: this kernel has XFRM interfaces"
else
	"$T" iface-add xfrm-t1 $IFID 192.0.2.1 1436 169.254.21.2/30 \
	    2>"$W/if.err" && fail "iface-add succeeded without XFRM interfaces?"
	cat "$W/if.err"
	grep -q "CONFIG_XFRM_INTERFACE" "$W/if.err" || fail "no-xfrmi message"
	ok "missing XFRM interfaces are named"
fi
"$T" iface-add xfrm-t1 $IFID 192.0.2.77 1436 169.254.21.2/30 \
    2>"$W/noaddr.err" && fail "iface-add with a foreign local address"
grep -q "no interface holds the local address 192.0.2.77" "$W/noaddr.err" ||
    { cat "$W/noaddr.err"; fail "missing-address message"; }
ok "all passed"
