#!/bin/sh
# The Prometheus metrics (daemon/metrics.c): `metrics listen` serves
# /metrics over HTTP and `cgwctl metrics` answers the same text; both pass
# `promtool check metrics`. In a network namespace: cgwd with one tunnel
# whose peer never answers (the host kernel has no ESP, so no tunnel comes
# up here: IKE exchanges and retransmissions count instead) and a LAN
# neighbor (tests/tools/bgp_speaker in a second namespace). The failover
# shows in the counters: the neighbor killed -> cgwd_bgp_session_up 0 and
# cgwd_bgp_session_flaps_total 1; back -> up again, a second OPEN counted;
# `cgwctl tunnel down` -> the tunnel's state "down". A reload moves the
# endpoint to another port. Bytes and packets through a tunnel that is
# up, rekeys and liveness misses need ESP: the lab (tests/lab) shows them.
# Runs as root. Exit 0 = pass.
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
B=${B:-build}
SPEAKER=$B/tests/tools/bgp_speaker
need ip curl promtool jq
[ -x "$SPEAKER" ] || { echo "FAIL: $SPEAKER not built (make tools)"; exit 1; }

tmp=$(mktemp -d /tmp/cgw-metrics.XXXXXX)
trap cleanup EXIT INT TERM
ns=cgwm$$; nl=cgwml$$
S=$tmp/cgwd.sock
CONF=$tmp/cgwd.conf
PORT=19642
PORT2=19643

netns_add "$ns"
netns_add "$nl"
ip link add "ma$$" netns "$ns" type veth peer name "mb$$" netns "$nl"
ip -n "$ns" addr add 10.224.0.2/24 dev "ma$$"
ip -n "$nl" addr add 10.224.0.1/24 dev "mb$$"
ip -n "$ns" link set "ma$$" up
ip -n "$nl" link set "mb$$" up
# The tunnel's outside address; its peer is routed to the LAN namespace,
# which does not forward: IKE is never answered.
ip -n "$ns" addr add 192.0.2.10/24 dev "ma$$"
ip -n "$ns" route add 198.51.100.0/24 via 10.224.0.1

write_conf() {	# port
	cat >"$CONF" <<EOC
asn 65000
router-id 192.0.2.10
network 10.224.0.0/12
metrics listen 127.0.0.1:$1
vpn "v" {
    local 192.0.2.10
    peer-asn 64512
    tunnel "t1" { remote 198.51.100.1 inside 169.254.21.2/30 psk "Tunnel1Secret_abc" }
}
neighbor 10.224.0.1 { remote-as 65010 }
EOC
	chmod 600 "$CONF"
}
write_conf $PORT

ctl() { ip netns exec "$ns" "$CGWCTL" -s "$S" "$@"; }
scrape() {	# port: the endpoint's text into $tmp/scrape
	ip netns exec "$ns" curl -sf -m 5 "http://127.0.0.1:$1/metrics" \
	    >"$tmp/scrape"
}
# The value of one sample (name and labels exactly as printed).
value() {	# file sample
	awk -v s="$2" 'index($0, s " ") == 1 { print $NF }' "$1"
}
sample_is() {	# sample expected
	scrape $PORT && [ "$(value "$tmp/scrape" "$1")" = "$2" ]
}
sample_ge() {	# sample minimum
	scrape $PORT && v=$(value "$tmp/scrape" "$1") && [ -n "$v" ] &&
	    [ "$v" -ge "$2" ]
}

ip netns exec "$ns" "$CGWD" -f "$CONF" -s "$S" -v >"$tmp/cgwd.log" 2>&1 &
pids="$pids $!"
mkfifo "$tmp/cmd"
exec 7<>"$tmp/cmd"
start_speaker() {
	ip netns exec "$nl" "$SPEAKER" -a 65010 -i 10.224.0.1 -n 10.230.0.0/16 \
	    -P name=cgw,remote=10.224.0.2,as=65000,local=10.224.0.1,role=neighbor,hold=9,retry=1,passive \
	    <"$tmp/cmd" >>"$tmp/speaker.out" 2>>"$tmp/speaker.err" &
	spid=$!
	pids="$pids $spid"
}
start_speaker

P='{peer="neighbor 10.224.0.1"}'
NP='peer="neighbor 10.224.0.1"'
T='vpn="v",tunnel="t1"'
if until_true 300 sample_is "cgwd_bgp_session_up$P" 1; then
	ok "HTTP /metrics: the LAN neighbor's session is up"
else
	bad "the LAN neighbor's session comes up in /metrics"
	tail -n 20 "$tmp/cgwd.log" | sed 's/^/    /'
fi

scrape $PORT
check "promtool check metrics accepts /metrics" \
    sh -c 'promtool check metrics <"$1" >"$2" 2>&1' sh "$tmp/scrape" "$tmp/lint"
sed 's/^/    /' "$tmp/lint"
ctl metrics >"$tmp/ctl" 2>"$tmp/ctl.err"
check "cgwctl metrics runs" test $? = 0
check "promtool check metrics accepts cgwctl metrics" \
    sh -c 'promtool check metrics <"$1" >/dev/null 2>&1' sh "$tmp/ctl"
check "cgwctl metrics and /metrics have the same families" sh -c \
    'diff -q "$(grep "^# TYPE" "$1" | sort >"$1.t"; echo "$1.t")" \
	"$(grep "^# TYPE" "$2" | sort >"$2.t"; echo "$2.t")"' sh \
    "$tmp/scrape" "$tmp/ctl"
check "the content type is the text format 0.0.4" sh -c \
    "ip netns exec $ns curl -sf -m 5 -o /dev/null -D - http://127.0.0.1:$PORT/metrics |
     grep -qi '^content-type: text/plain; version=0.0.4'"
check "anything but /metrics is 404" sh -c \
    "[ \"\$(ip netns exec $ns curl -s -m 5 -o /dev/null -w '%{http_code}' \
	http://127.0.0.1:$PORT/)\" = 404 ]"
check "POST is refused (4xx/5xx)" sh -c \
    "ip netns exec $ns curl -s -m 5 -o /dev/null -w '%{http_code}' \
	-d x=1 http://127.0.0.1:$PORT/metrics | grep -q '^[45]'"
for fam in cgwd_build_info cgwd_tunnel_up cgwd_tunnel_state \
    cgwd_tunnel_bytes_total cgwd_tunnel_packets_total cgwd_ike_exchanges_total \
    cgwd_ike_retransmissions_total cgwd_ike_dpd_probes_total \
    cgwd_ike_dpd_misses_total cgwd_ike_init_dropped_total cgwd_ike_rekeys_total \
    cgwd_bgp_session_up \
    cgwd_bgp_messages_total cgwd_bgp_session_flaps_total cgwd_bgp_prefixes; do
	check "$fam has HELP and TYPE" sh -c \
	    'grep -q "^# HELP $2 " "$1" && grep -q "^# TYPE $2 " "$1"' \
	    sh "$tmp/scrape" "$fam"
done
check "cgwd_build_info names the version" \
    grep -q '^cgwd_build_info{version="[0-9.]*",revision="[^"]*"} 1$' "$tmp/scrape"
check "TunnelState: cgwd_tunnel_up{$T} 0 (no ESP here)" \
    sample_is "cgwd_tunnel_up{$T}" 0
check "TunnelDataIn/Out: cgwd_tunnel_bytes_total{$T,direction=in|out}" sh -c \
    'grep -q "^cgwd_tunnel_bytes_total{$2,direction=\"in\"} 0$" "$1" &&
     grep -q "^cgwd_tunnel_bytes_total{$2,direction=\"out\"} 0$" "$1"' \
    sh "$tmp/scrape" "$T"
check "IKE requests count (cgwd_ike_exchanges_total >= 1)" \
    until_true 50 sample_ge "cgwd_ike_exchanges_total{$T}" 1
check "a peer that never answers: retransmissions count" \
    until_true 100 sample_ge "cgwd_ike_retransmissions_total{$T}" 1
check "BGP OPEN received once" \
    sample_is "cgwd_bgp_messages_total{$NP,direction=\"in\",type=\"open\"}" 1
check "BGP keepalives sent" \
    sample_ge "cgwd_bgp_messages_total{$NP,direction=\"out\",type=\"keepalive\"}" 1
bgpjson=$(ctl --json show bgp)
for d in received advertised; do
	n=$(echo "$bgpjson" | jq ".bgp[] | select(.name == \"neighbor 10.224.0.1\") |
	    .prefixes_$d")
	check "prefixes $d: as show bgp says ($n)" \
	    sample_is "cgwd_bgp_prefixes{$NP,direction=\"$d\"}" "$n"
done
check "no flap yet" sample_is "cgwd_bgp_session_flaps_total$P" 0
check "--json show tunnels has counters" sh -c \
    "$(printf '%s' "ip netns exec $ns $CGWCTL -s $S --json show tunnels") |
     jq -e '.tunnels[0].counters | (.ike.exchanges >= 1) and
	 (.bytes_in == 0) and has(\"bytes_out\") and has(\"packets_in\") and
	 has(\"packets_out\") and (.ike | has(\"dpd_misses\") and
	 has(\"retransmissions\") and has(\"dpd_probes\") and
	 has(\"ike_rekeys\") and has(\"child_rekeys\"))' >/dev/null"

# The neighbor dies: the session and its flap show.
kill "$spid"; wait "$spid" 2>/dev/null
check "neighbor gone: cgwd_bgp_session_up 0" \
    until_true 150 sample_is "cgwd_bgp_session_up$P" 0
check "neighbor gone: cgwd_bgp_session_flaps_total 1" \
    sample_is "cgwd_bgp_session_flaps_total$P" 1
check "neighbor gone: its prefix is no longer counted" \
    sample_is "cgwd_bgp_prefixes{$NP,direction=\"received\"}" 0
start_speaker
check "neighbor back: cgwd_bgp_session_up 1" \
    until_true 450 sample_is "cgwd_bgp_session_up$P" 1
check "neighbor back: a second OPEN received" \
    sample_is "cgwd_bgp_messages_total{$NP,direction=\"in\",type=\"open\"}" 2
check "neighbor back: still 1 flap" \
    sample_is "cgwd_bgp_session_flaps_total$P" 1

ctl tunnel down v/t1 >/dev/null
check "tunnel down: cgwd_tunnel_state{state=down} 1" \
    until_true 30 sample_is "cgwd_tunnel_state{$T,state=\"down\"}" 1
check "tunnel down: cgwd_tunnel_up 0" sample_is "cgwd_tunnel_up{$T}" 0
ex=$(value "$tmp/scrape" "cgwd_ike_exchanges_total{$T}")

# A reload moves the endpoint; counters go on.
write_conf $PORT2
check "reload" sh -c "ip netns exec $ns $CGWCTL -s $S reload >/dev/null"
check "the old port is closed" sh -c "! ip netns exec $ns curl -sf -m 2 \
    -o /dev/null http://127.0.0.1:$PORT/metrics"
check "the new port serves" scrape $PORT2
check "cgwd_reloads_total 1" sh -c \
    '[ "$(awk "/^cgwd_reloads_total /{print \$2}" "$1")" = 1 ]' sh "$tmp/scrape"
check "IKE counts survive the reload (>= $ex)" sh -c \
    '[ "$(awk -v s="$2 " "index(\$0, s) == 1 {print \$NF}" "$1")" -ge "$3" ]' \
    sh "$tmp/scrape" "cgwd_ike_exchanges_total{$T}" "$ex"
check "no PSK in the metrics" sh -c '! grep -q Tunnel1Secret "$1" "$2"' sh \
    "$tmp/scrape" "$tmp/ctl"

exec 7>&-
if [ "$failed" -ne 0 ]; then
	echo "cgwd log:"; sed "s/^/    /" "$tmp/cgwd.log" | head -n 60; sed "s/^/    /" "$tmp/speaker.out" "$tmp/speaker.err" | tail -n 30
	cleanup; trap - EXIT
	echo "metrics: $failed check(s) failed"
	exit 1
fi
cleanup
trap - EXIT
echo "metrics: all checks passed"
