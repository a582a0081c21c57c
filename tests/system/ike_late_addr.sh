#!/bin/sh
# A vpn's local address that appears after cgwd started (late DHCP, a
# floating HA address) is listened on at once and the tunnel initiates
# through it; when it goes, its IKE sockets close, and it is bound again
# when it comes back. The peer is a UDP listener in another namespace
# that records what reaches port 500. Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need ip ss socat

tmp=$(mktemp -d /tmp/cgw-test.XXXXXX)
ns=cgwaddr$$
peer=cgwaddrp$$
S=$tmp/cgwd.sock
LOG=$tmp/cgwd.log
trap cleanup EXIT INT TERM

bound() { ip netns exec "$ns" ss -uln | grep -q "192.0.2.10:$1 "; }
unbound() { ! bound "$1"; }
received() { [ "$(wc -c < "$tmp/rx")" -gt "$1" ]; }

conf_one_tunnel "$tmp/cgwd.conf"
netns_add "$ns"
netns_add "$peer"
ip -n "$ns" link add e0 type veth peer name p0 netns "$peer"
ip -n "$ns" link set e0 up
ip -n "$peer" link set p0 up
ip -n "$peer" addr add 198.51.100.1/24 dev p0
ip -n "$peer" route add 192.0.2.0/24 dev p0
# The route to the peer exists; the local address does not, yet.
ip -n "$ns" route add 198.51.100.0/24 dev e0

: > "$tmp/rx"
ip netns exec "$peer" socat -u UDP-RECV:500,bind=198.51.100.1 \
    "OPEN:$tmp/rx,append" 2>/dev/null &
pids="$pids $!"

ip netns exec "$ns" "$CGWD" -f "$tmp/cgwd.conf" -s "$S" -v >"$LOG" 2>&1 &
pids="$pids $!"
check "cgwd starts without its local address" until_true 100 \
	"$CGWCTL" -s "$S" status
check "... and says it waits for 192.0.2.10" until_true 30 \
	grep -q "192.0.2.10 is not on this host" "$LOG"
check "no IKE socket on the missing address" unbound 500
sleep 1
check "nothing reached the peer" test ! -s "$tmp/rx"

ip -n "$ns" addr add 192.0.2.10/24 dev e0
check "address added: UDP 500 bound on it" until_true 30 bound 500
check "... and UDP 4500" bound 4500
check "IKE_SA_INIT reaches the peer within 3 s" until_true 30 received 0
check "the log shows the initiation" grep -q "v/t1: initiating IKE SA" "$LOG"

ip -n "$ns" addr del 192.0.2.10/24 dev e0
check "address removed: its IKE sockets close" until_true 30 unbound 500
check "... and it is logged" until_true 30 grep -q "192.0.2.10 is gone" "$LOG"

sent=$(wc -c < "$tmp/rx")
ip -n "$ns" addr add 192.0.2.10/24 dev e0
# The kernel dropped the route with the link's last address.
ip -n "$ns" route replace 198.51.100.0/24 dev e0
check "address back: bound again" until_true 30 bound 500
# The IKE SA already on its way retransmits through the new socket.
check "IKE reaches the peer again" until_true 100 received "$sent"
check "cgwd still answers" "$CGWCTL" -s "$S" status >/dev/null

[ "$failed" = 0 ] || { echo "$failed failed"; cat "$LOG"; exit 1; }
echo "all passed"
