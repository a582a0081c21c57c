#!/bin/bash
# cgwd's xfrm/ code against a real IPsec kernel, without IKE: namespace xa
# gets an XFRM interface, a CHILD SA pair, policies and a route from
# xfrmtool (tests/tools/xfrmtool.c, linked with libcgw.a); namespace xb is
# configured by hand with `ip link add type xfrm` and `ip xfrm` with the
# same keys. Ping through the tunnel must pass with ESP counters rising:
# AES-GCM (inbound SPI from ALLOCSPI, ESN, soft-expire event), AES-CBC +
# HMAC-SHA256 with and without UDP encapsulation, IPv6 inside traffic over
# the same IPv4 SA pair, a make-before-break rekey with no loss. A clean
# stop must leave nothing behind, and after kill -9 `xfrmtool cleanup` must.
#
#   xa: out 192.0.2.1/24 ── xb: out 192.0.2.2/24
#   xa: xfrm-t1 169.254.21.2/30 ══ESP══ xb: ipsec0 169.254.21.1/30
#   xb: 172.31.0.10/32 on lo, reached from xa by a proto 201 route
#
# Build first (host): make build/tests/tools/xfrmtool
set -u
lab=$LAB_REPO/tests/lab
. "$lab/lib/topo.sh"
T=${XFRMTOOL:-$LAB_REPO/build/tests/tools/xfrmtool}	# XFRMTOOL=: e.g. an ASan build
IFID=0x43470001
W=$LAB_RUN/xfrm-manual
fail() { echo "FAIL: $*"; exit 1; }
trap 'rc=$?; [ $rc = 0 ] || dump; ip netns del xa 2>/dev/null; ip netns del xb 2>/dev/null' EXIT

dump() {
	for ns in xa xb; do
		echo "==== $ns"
		ip -n $ns -d link show; ip -n $ns addr; ip -n $ns route
		ip -n $ns -s xfrm state; ip -n $ns xfrm policy
	done
	for f in "$W"/*; do echo "==== $f"; cat "$f"; done
}

[ -x "$T" ] || fail "$T missing: make build/tests/tools/xfrmtool on the host"
mkdir -p "$W"
ip netns add xa; ip netns add xb
ip link add xaout type veth peer name xbout
ip link set xaout netns xa name out
ip link set xbout netns xb name out
for ns in xa xb; do
	ip -n $ns link set lo up; ip -n $ns link set out up
	nsx $ns sysctl -qw net.ipv4.conf.all.rp_filter=0
done
ip -n xa addr add 192.0.2.1/24 dev out
ip -n xb addr add 192.0.2.2/24 dev out
ip -n xb addr add 172.31.0.10/32 dev lo

# xb, by hand: interface, policies (any <-> any, if_id 0x42, reqid 1).
ip -n xb link add ipsec0 type xfrm dev out if_id 0x42
ip -n xb addr add 169.254.21.1/30 dev ipsec0
ip -n xb link set ipsec0 mtu 1436 up
ip -n xb addr add fd00:21::1/64 dev ipsec0 nodad
ip -n xb addr add 2001:db8:100::10/128 dev lo
for d in out in fwd; do
	if [ $d = out ]; then s=192.0.2.2 t=192.0.2.1; else s=192.0.2.1 t=192.0.2.2; fi
	for any in 0.0.0.0/0 ::/0; do
		ip -n xb xfrm policy add src $any dst $any dir $d \
			tmpl src $s dst $t proto esp reqid 1 mode tunnel \
			if_id 0x42 || fail "xb policy $d $any"
	done
done

# xa: xfrmtool's hold keeps the objects until SIGTERM.
xa_start() {	# NAME ARGS...; returns once XA_UNTIL (default holding) is printed
	local n=$1 i=0 until=${XA_UNTIL:-holding}; shift
	# Not via nsx: a function in the background is a subshell, and the
	# signal must reach xfrmtool itself.
	ip netns exec xa "$T" -v "$@" -- hold >"$W/$n.out" 2>"$W/$n.err" &
	echo $! >"$W/$n.pid"
	while ! grep -q "$until" "$W/$n.out"; do
		i=$((i + 1))
		kill -0 "$(cat "$W/$n.pid")" 2>/dev/null && [ $i -lt 100 ] ||
			{ cat "$W/$n.err"; fail "xfrmtool $n did not start"; }
		sleep 0.1
	done
}
xa_stop() {	# NAME SIGNAL; after TERM xfrmtool must exit 0 (teardown ok)
	local rc=0
	kill -"$2" "$(cat "$W/$1.pid")"; wait "$(cat "$W/$1.pid")" 2>/dev/null || rc=$?
	[ "$2" != TERM ] || [ $rc = 0 ] || fail "xfrmtool $1 exited $rc after SIGTERM"
}
xa_empty() {
	[ -z "$(ip -n xa xfrm state)" ] || { ip -n xa xfrm state; return 1; }
	[ -z "$(ip -n xa xfrm policy)" ] || { ip -n xa xfrm policy; return 1; }
	[ -z "$(ip -n xa route show proto 201 table all)" ] || return 1
	! ip -n xa link show xfrm-t1 >/dev/null 2>&1 || return 1
}
# sa_packets NS SPI: packets counted on that SA
sa_packets() {
	nsx xa "$T" sa-stats "$1" "$2" | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}
through_tunnel() {	# LABEL SPI_IN SPI_OUT
	local i0 o0 i1 o1
	i0=$(sa_packets 192.0.2.1 "$2"); o0=$(sa_packets 192.0.2.2 "$3")
	nsx xa ping -n -q -c 5 -i 0.2 -W 2 169.254.21.1 >/dev/null ||
		fail "$1: inside address of the peer does not answer"
	nsx xa ping -n -q -c 5 -i 0.2 -W 2 172.31.0.10 >/dev/null ||
		fail "$1: 172.31.0.10 via the proto 201 route does not answer"
	i1=$(sa_packets 192.0.2.1 "$2"); o1=$(sa_packets 192.0.2.2 "$3")
	log "$1: ESP packets in $i0 -> $i1, out $o0 -> $o1"
	[ $((i1 - i0)) -ge 10 ] && [ $((o1 - o0)) -ge 10 ] ||
		fail "$1: ESP counters did not rise by 10"
	ip -n xb -s xfrm state | grep -q "if_id 0x42" || fail "$1: xb SAs"
}

# ---- AES-GCM-128, inbound SPI allocated by the kernel, ESN ----
KIN=0102030405060708090a0b0c0d0e0f1011121314	# xb -> xa (16 + 4 salt)
KOUT=2122232425262728292a2b2c2d2e2f3031323334	# xa -> xb
SPI_OUT=0xc2000001
xa_start gcm \
	iface-add xfrm-t1 $IFID 192.0.2.1 1436 169.254.21.2/30 -- \
	policy-add $IFID $IFID 192.0.2.1 192.0.2.2 -- \
	spi-alloc 192.0.2.1 192.0.2.2 $IFID $IFID -- \
	sa-add $IFID $IFID 192.0.2.1 192.0.2.2 alloc $SPI_OUT gcm $KIN $KOUT \
	    esn life 6 600 -- \
	route-add 172.31.0.0/16 169.254.21.1 xfrm-t1
SPI_IN=$(sed -n 's/^spi //p' "$W/gcm.out")
log "gcm: kernel allocated inbound SPI $SPI_IN"
ip -n xa -d link show xfrm-t1 | grep -q "if_id 0x43470001" || fail "xfrm-t1 if_id"
ip -n xa link show xfrm-t1 | grep -q "mtu 1436" || fail "xfrm-t1 mtu"
ip -n xa route show proto 201 | grep -q "172.31.0.0/16 via 169.254.21.1 dev xfrm-t1" ||
	fail "route"
ip -n xa xfrm state | grep -q "replay-window 0 flag af-unspec esn" ||
	ip -n xa xfrm state | grep -q "esn" || fail "ESN flag"
ip -n xb xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi "$SPI_IN" \
	reqid 1 mode tunnel aead 'rfc4106(gcm(aes))' 0x$KIN 128 \
	flag esn replay-window 128 if_id 0x42 || fail "xb state in"
ip -n xb xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi $SPI_OUT \
	reqid 1 mode tunnel aead 'rfc4106(gcm(aes))' 0x$KOUT 128 \
	flag esn replay-window 128 if_id 0x42 || fail "xb state out"
through_tunnel gcm "$SPI_IN" $SPI_OUT
t=$(wait_until "grep -q 'event rekey spi' '$W/gcm.out'" 15) ||
	fail "no soft-expire (rekey) event within 15 s"
log "gcm: soft expire reported: $(grep 'event rekey' "$W/gcm.out" | head -n1)"
xa_stop gcm TERM
xa_empty || fail "gcm: clean stop left objects behind"
log "gcm: clean stop removed interface, SAs, policies, route"
ip -n xb xfrm state flush

# ---- AES-CBC-128 + HMAC-SHA256-128, UDP encapsulation 4500 ----
EIN=000102030405060708090a0b0c0d0e0f
EOUT=101112131415161718191a1b1c1d1e1f
AIN=202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
AOUT=404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f
SPI_IN=0xc3000001 SPI_OUT=0xc3000002
xa_start cbc \
	iface-add xfrm-t1 $IFID 192.0.2.1 1436 169.254.21.2/30 -- \
	policy-add $IFID $IFID 192.0.2.1 192.0.2.2 -- \
	sa-add $IFID $IFID 192.0.2.1 192.0.2.2 $SPI_IN $SPI_OUT cbc-sha256 \
	    $EIN $EOUT $AIN $AOUT encap 4500 4500 -- \
	route-add 172.31.0.0/16 169.254.21.1 xfrm-t1
ip -n xa xfrm state | grep -q "encap type espinudp sport 4500 dport 4500" ||
	fail "UDP encapsulation not installed"
for d in in out; do
	if [ $d = in ]; then s=192.0.2.2 t=192.0.2.1 spi=$SPI_IN e=$EIN a=$AIN
	else s=192.0.2.1 t=192.0.2.2 spi=$SPI_OUT e=$EOUT a=$AOUT; fi
	ip -n xb xfrm state add src $s dst $t proto esp spi $spi reqid 1 \
		mode tunnel enc 'cbc(aes)' 0x$e auth-trunc 'hmac(sha256)' 0x$a 128 \
		encap espinudp 4500 4500 0.0.0.0 replay-window 32 if_id 0x42 ||
		fail "xb cbc state $d"
done
# ESP-in-UDP arrives on a UDP socket with UDP_ENCAP (IKE's port 4500
# socket in real life); stand-ins hold one on each side.
for ns in xa xb; do
	a=192.0.2.1; [ $ns = xb ] && a=192.0.2.2
	ip netns exec $ns /usr/bin/python3 -c "import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, 100, 2)	# UDP_ENCAP, ESPINUDP
s.bind(('$a', 4500))
time.sleep(120)" &
	echo $! >"$W/encap-$ns.pid"
done
sleep 1
through_tunnel cbc+udp-encap $SPI_IN $SPI_OUT
kill "$(cat "$W/encap-xa.pid")" "$(cat "$W/encap-xb.pid")"
xa_stop cbc TERM
xa_empty || fail "cbc: clean stop left objects behind"
ip -n xb xfrm state flush

# ---- AES-CBC + HMAC-SHA256 without encapsulation; IPv6 inside too ----
# cgwd's any<->any SAs have an unspecified selector: one pair carries
# IPv4 and IPv6 inner traffic.
xa_start cbc2 \
	iface-add xfrm-t1 $IFID 192.0.2.1 1436 169.254.21.2/30 -- \
	policy-add $IFID $IFID 192.0.2.1 192.0.2.2 -- \
	policy-add $IFID $IFID 192.0.2.1 192.0.2.2 6 -- \
	sa-add $IFID $IFID 192.0.2.1 192.0.2.2 $SPI_IN $SPI_OUT cbc-sha256 \
	    $EIN $EOUT $AIN $AOUT -- \
	route-add 172.31.0.0/16 169.254.21.1 xfrm-t1 -- \
	route-add 2001:db8:100::/48 - xfrm-t1
for d in in out; do
	if [ $d = in ]; then s=192.0.2.2 t=192.0.2.1 spi=$SPI_IN e=$EIN a=$AIN
	else s=192.0.2.1 t=192.0.2.2 spi=$SPI_OUT e=$EOUT a=$AOUT; fi
	ip -n xb xfrm state add src $s dst $t proto esp spi $spi reqid 1 \
		mode tunnel enc 'cbc(aes)' 0x$e auth-trunc 'hmac(sha256)' 0x$a 128 \
		replay-window 32 flag af-unspec if_id 0x42 || fail "xb cbc state $d"
done
through_tunnel cbc-sha256 $SPI_IN $SPI_OUT
ip -n xa addr add fd00:21::2/64 dev xfrm-t1 nodad
b=$(sa_packets 192.0.2.1 $SPI_IN)
nsx xa ping -6 -n -q -c 5 -i 0.2 -W 2 fd00:21::1 >/dev/null ||
	fail "IPv6 inside address of the peer does not answer"
nsx xa ping -6 -n -q -c 5 -i 0.2 -W 2 2001:db8:100::10 >/dev/null ||
	fail "2001:db8:100::10 via the IPv6 proto 201 route does not answer"
a=$(sa_packets 192.0.2.1 $SPI_IN)
[ $((a - b)) -ge 10 ] || fail "IPv6 did not go through the ESP SA"
log "IPv6 inside over the same IPv4 SA pair: inbound packets $b -> $a"

xa_stop cbc2 TERM
xa_empty || fail "cbc2: clean stop left objects behind"
ip -n xb xfrm state flush

# ---- make-before-break rekey (AES-GCM) under a 10/s ping ----
# xa: new inbound SA first, then new outbound and the old outbound goes,
# then the old inbound; xb follows as a peer would. No packet may be lost.
K1I=0102030405060708090a0b0c0d0e0f1011121314 K1O=2122232425262728292a2b2c2d2e2f3031323334
K2I=4142434445464748494a4b4c4d4e4f5051525354 K2O=6162636465666768696a6b6c6d6e6f7071727374
I1=0xc5000001 O1=0xc5000002 I2=0xc5000003 O2=0xc5000004
xb_sa() {	# SRC DST SPI KEY
	ip -n xb xfrm state add src $1 dst $2 proto esp spi $3 reqid 1 \
		mode tunnel aead 'rfc4106(gcm(aes))' 0x$4 128 replay-window 32 \
		if_id 0x42 || fail "xb state $3"
}
xb_sa 192.0.2.2 192.0.2.1 $I1 $K1I; xb_sa 192.0.2.1 192.0.2.2 $O1 $K1O
rm -f "$W"/go*
XA_UNTIL="waiting for $W/go1" xa_start mbb \
	iface-add xfrm-t1 $IFID 192.0.2.1 1436 169.254.21.2/30 -- \
	policy-add $IFID $IFID 192.0.2.1 192.0.2.2 -- \
	sa-add $IFID $IFID 192.0.2.1 192.0.2.2 $I1 $O1 gcm $K1I $K1O -- \
	route-add 172.31.0.0/16 169.254.21.1 xfrm-t1 -- \
	wait-file "$W/go1" -- \
	sa-add $IFID $IFID 192.0.2.1 192.0.2.2 $I2 $O2 gcm $K2I $K2O dir in -- \
	wait-file "$W/go2" -- \
	sa-add $IFID $IFID 192.0.2.1 192.0.2.2 $I2 $O2 gcm $K2I $K2O dir out -- \
	sa-del 192.0.2.2 $O1 -- \
	wait-file "$W/go3" -- \
	sa-del 192.0.2.1 $I1
# Until SIGINT (not via nsx, see xa_start), however slow the steps are.
ip netns exec xa ping -n -i 0.1 -W 2 172.31.0.10 >"$W/mbb-ping.log" 2>&1 &
pingpid=$!
sleep 1.5
touch "$W/go1"
wait_until "grep -q 'waiting for $W/go2' '$W/mbb.out'" 20 >/dev/null ||
	fail "mbb: new inbound SA not installed"
# xb (the peer) switches its outbound to the new SA: newest wins.
xb_sa 192.0.2.2 192.0.2.1 $I2 $K2I; xb_sa 192.0.2.1 192.0.2.2 $O2 $K2O
ip -n xb xfrm state delete src 192.0.2.2 dst 192.0.2.1 proto esp spi $I1
sleep 1.5
touch "$W/go2"
wait_until "grep -q 'waiting for $W/go3' '$W/mbb.out'" 20 >/dev/null ||
	fail "mbb: new outbound SA not installed"
sleep 1.5
ip -n xb xfrm state delete src 192.0.2.1 dst 192.0.2.2 proto esp spi $O1
touch "$W/go3"
wait_until "grep -q holding '$W/mbb.out'" 20 >/dev/null ||
	fail "mbb: old inbound SA not deleted"
sleep 1
kill -INT $pingpid; wait $pingpid
read -r sent got <<EOF2
$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$W/mbb-ping.log")
EOF2
# One echo may be in flight when SIGINT ends ping.
[ -n "$sent" ] && [ "$sent" -ge 30 ] && [ $((sent - got)) -le 1 ] ||
	{ tail -n 3 "$W/mbb-ping.log"; fail "mbb: packets lost during the rekey"; }
[ "$(sa_packets 192.0.2.1 $I2)" -ge 10 ] && [ "$(sa_packets 192.0.2.2 $O2)" -ge 10 ] ||
	fail "mbb: new SAs carry no traffic"
ip -n xa xfrm state | grep -q "spi $I1\|spi $O1" && fail "mbb: old SAs left"
log "mbb: rekey under a 10/s ping: $sent sent, $got received"

# kill -9: everything stays; cleanup (as at cgwd's start) removes it.
xa_stop mbb KILL
ip -n xa link show xfrm-t1 >/dev/null 2>&1 || fail "kill -9 removed the interface?"
nsx xa "$T" -v cleanup 2>"$W/cleanup.err" || fail "cleanup failed"
xa_empty || fail "cleanup left objects behind"
grep -q "delete stale XFRM interface xfrm-t1" "$W/cleanup.err" ||
	fail "cleanup did not report the interface"
log "stale cleanup after kill -9 removed interface, SAs, policies, route"
echo "FIGURE: xfrm-manual gcm+esn+allocspi ok, cbc-sha256 ok, udp-encap ok, ipv6-inside ok, make-before-break ok, cleanup ok"
