#!/bin/sh
# TCP MSS clamping through nftables: a cgwd in a network namespace puts
# its table `inet cgwd` there with one clamp per tunnel interface (auto:
# the tunnel MTU less AWS's margin, 1379 for the default 1436; a number;
# none for `off`), changes it on reload, and a clean stop removes it.
# Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need ip nft

tmp=$(mktemp -d /tmp/cgw-mss.XXXXXX)
ns=cgwmss$$
S=$tmp/cgwd.sock
CONF=$tmp/cgwd.conf
trap cleanup EXIT INT TERM

write_conf() {	# t2's mss-clamp statement, t3's
	cat >"$CONF" <<EOC
asn 65000
router-id 192.0.2.10
vpn "v" {
    local 192.0.2.10
    tunnel "t1" { remote 198.51.100.1 inside 169.254.21.2/30 psk "Tunnel1Secret_abc" interface cgwa }
    tunnel "t2" { remote 198.51.100.2 inside 169.254.22.2/30 psk "Tunnel2Secret_abc" interface cgwb $1 }
    tunnel "t3" { remote 198.51.100.3 inside 169.254.23.2/30 psk "Tunnel3Secret_abc" interface cgwc mtu 1400 $2 }
}
EOC
	chmod 600 "$CONF"
}
table() { ip netns exec "$ns" nft list table inet cgwd 2>/dev/null; }
has_rule() {	# chain-key ifname mss
	table | grep -q "$1 \"$2\" tcp flags syn / syn,rst tcp option maxseg size > $3 tcp option maxseg size set $3"
}

netns_add "$ns"
write_conf "mss-clamp 1300" "mss-clamp off"
ip netns exec "$ns" "$CGWD" -f "$CONF" -s "$S" >"$tmp/cgwd.log" 2>&1 &
pid=$!
pids="$pid"
until_true 100 "$CGWCTL" -s "$S" status ||
    { echo "FAIL: cgwd did not start:"; sed 's/^/    /' "$tmp/cgwd.log"; exit 1; }

check "table inet cgwd exists" until_true 50 table
check "t1 (auto, mtu 1436): out clamped to 1379" has_rule oifname cgwa 1379
check "t1: in clamped to 1379" has_rule iifname cgwa 1379
check "t2 (mss-clamp 1300): 1300" has_rule oifname cgwb 1300
check "t3 (off): no rule" sh -c "! ip netns exec $ns nft list table inet cgwd | grep -q cgwc"
check "an output chain for locally sent SYNs" sh -c \
    "ip netns exec $ns nft list chain inet cgwd output | grep -q 'oifname \"cgwa\"'"
check "the log says so" grep -q "TCP MSS clamped on 2 tunnel interfaces" "$tmp/cgwd.log"

write_conf "" "mss-clamp auto"
check "reload" "$CGWCTL" -s "$S" reload
check "after reload: t2 back to auto (1379)" has_rule oifname cgwb 1379
check "after reload: t3 auto, mtu 1400: 1343" has_rule oifname cgwc 1343
check "after reload: no 1300 left" sh -c "! ip netns exec $ns nft list table inet cgwd | grep -q 1300"

kill -TERM "$pid"
wait "$pid" 2>/dev/null
pids=""
check "a clean stop removes the table" sh -c "! ip netns exec $ns nft list table inet cgwd >/dev/null 2>&1"

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "mss_clamp: $failed check(s) failed"
	exit 1
fi
echo "mss_clamp: all checks passed"
