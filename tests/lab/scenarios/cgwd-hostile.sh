#!/bin/bash
# Attacks on cgwd (the CGW) from the path, one VM, four checks; each prints
# `check NAME: figures PASS` or `... FAIL (want ...)`. Both tunnels up, BGP
# established, and during every attack a 5/s ping LAN -> VPC (over t1) and
# one cgw -> t2's inside peer (over t2). The attacker sits in vgw1's
# namespace and sends from vgw1's outside address (another UDP source
# port: cgwd matches a peer by address alone).
#
#  1. spoofed-init: ike_peer offers an IKE proposal cgwd lacks (cgwd
#     offers what AWS's XML says, aes128-sha1-modp1024), re-initiating
#     for 8 s: t1 stays up with the same IKE and CHILD SPIs, BGP on t1
#     stays established (its uptime keeps growing), no ping lost.
#  2. wrong-psk: ike_peer with cgwd's proposals and a wrong PSK, 8 s of
#     attempts (cgwd does the DH and fails IKE_AUTH): the same.
#  3. flood: ike_flood sends cgwd's own IKE_SA_INIT (random initiator
#     SPI, nonce and KE value each) from vgw1's address at 10000/s for
#     20 s, echoing every COOKIE reply as an attacker on the path would
#     (--echo-cookie); meanwhile t2 does a CHILD rekey (cgwctl tunnel
#     rekey): the new SPI appears during the flood and one pair remains,
#     t2 loses no ping, t1 and t2 stay up (sampled each second, and no
#     transition in cgwd's log). Figures: the rate achieved, the answers
#     by kind (COOKIE, IKE_SA_INIT, none), cgwd's CPU share (utime + stime
#     over the flood), t1's count of dropped requests, t1's losses.
#  4. log-rate: cgwd's log lines (-vv) written during the flood: < 200,
#     trace lines aside (its own liveness probes, five a second per
#     tunnel, whatever the attacker does).
#
# FIGURE: each check's result.
set -u
lab=$LAB_REPO/tests/lab
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/cgwd.sh"
TOOLS=$LAB_REPO/build/tests/tools
LAN=10.224.1.10 VPC=172.31.0.10
P1=$T1_VGW_OUTSIDE P2=$T2_VGW_OUTSIDE
H=$LAB_OUT/hostile
FLOOD_RATE=10000 FLOOD_S=20 MAX_LOG_LINES=200
PING1="" PING2="" FLOODPID=""
fail() { echo "FAIL: $*"; cgw_status; exit 1; }
trap 'rc=$?; for p in $PING1 $PING2 $FLOODPID; do kill $p 2>/dev/null; done
	[ $rc = 0 ] || dump_state end; topo_down' EXIT
[ -x "$TOOLS/ike_peer" ] && [ -x "$TOOLS/ike_flood" ] || fail "build the tools first (make tools)"

# The flood saturates the guest's two emulated CPUs, which also run both
# VGW endpoints' charon: their answers to cgwd's liveness probes then take
# seconds under TCG. This scenario is about what unauthenticated packets
# can do, not about failover, so cgwd waits 10 s, not 2 s, before it
# calls a silent peer dead (cgwd-failover measures the 2 s default).
# cgwd offers the XML's one proposal here, so that the spoofed
# IKE_SA_INIT below (AES-GCM, ECP-384) has nothing acceptable.
cgw_conf_edit() {
	sed -i -e '/^\tpeer-asn /a\	dpd interval 200ms timeout 10s' \
		-e 's/^\([[:space:]]*ike proposal\) .* lifetime /\1 aes128-sha1-modp1024 lifetime /' \
		-e 's/^\([[:space:]]*esp proposal\) .* lifetime /\1 aes128-sha1-modp1024 lifetime /' "$1" &&
	grep -q 'dpd interval 200ms timeout 10s' "$1" &&
	grep -q 'ike proposal aes128-sha1-modp1024 lifetime' "$1"
}

cgw_log_lines() { wc -l < "$LAB_OUT/cgw/cgwd.log"; }
# cgw_log_since L: cgwd's log after its first L lines.
cgw_log_since() { tail -n +"$(($1 + 1))" "$LAB_OUT/cgw/cgwd.log"; }
# t_snap N: "STATE IKE_SPIS CHILD_SPIS" of tunnel N.
t_snap() {
	tj "$1" '"\(.state) ike=\(.ike.spi_i // "-")/\(.ike.spi_r // "-") child=\([.child_sas[] | "\(.spi_in)/\(.spi_out)"] | sort | join(","))"'
}
bgp_uptime() { tj "$1" '.bgp.uptime_s // -1'; }
# cpu_ticks PID: utime + stime of PID, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# log_kinds L N: cgwd's N log lines after the first L, counted by kind
# (time dropped, numbers and SPIs masked), most frequent first.
log_kinds() {
	cgw_log_since "$1" | head -n "$2" | cut -d' ' -f2- | sed -E 's/[0-9a-f]{8,}/X/g; s/[0-9]+/N/g' |
		sort | uniq -c | sort -rn | head -n 15 | sed 's/^/    /'
}

# pings_start LABEL SECONDS: 5/s LAN -> VPC (t1) and cgw -> t2's inside
# peer (t2), SECONDS long; pings_wait: until both finished.
pings_start() {
	local n=$(($2 * 5))
	ip netns exec lan ping -n -D -i 0.2 -W 2 -c $n $VPC > "$H-$1-t1.ping" 2>&1 &
	PING1=$!
	ip netns exec cgw ping -n -D -i 0.2 -W 2 -c $n "$T2_VGW_INSIDE" > "$H-$1-t2.ping" 2>&1 &
	PING2=$!
}
pings_wait() { wait $PING1 $PING2 2>/dev/null; PING1="" PING2=""; }

# t1_attack NAME PSK IKE DESC WANT: ike_peer from vgw1's address for 8 s
# (the given PSK and proposals, fast re-initiation), with the pings;
# then the check: t1 unchanged, BGP on t1 not reset, no ping lost.
t1_attack() {
	local name=$1 psk=$2 ike=$3 b_snap b_up a_snap a_up L0 T0 el out ev
	local s1 s2 st="" ok=0 trans i
	log "=== $name: $4"
	wait_until "cgw_ike_up 1 && cgw_bgp_up 1 && cgw_ike_up 2 && cgw_bgp_up 2" 60 >/dev/null ||
		fail "not both tunnels up (and BGP) before $name"
	printf '%s\n' "$psk" > "$LAB_RUN/hostile/$name.psk"
	chmod 600 "$LAB_RUN/hostile/$name.psk"
	b_snap=$(t_snap 1) b_up=$(bgp_uptime 1)
	L0=$(cgw_log_lines) T0=$(now)
	pings_start "$name" 12
	sleep 1
	out=$H-$name.ike_peer
	ip netns exec vgw1 "$TOOLS/ike_peer" --local "$P1" --remote "$CGW_LOCAL" \
		--psk-file "$LAB_RUN/hostile/$name.psk" --ike "$ike" --esp "$ESP_OFFER" \
		--port 0 --natt-port 0 --fast --run 8 > "$out" 2>&1 &
	# t1's state each second while the attacker works.
	for i in $(seq 9); do st="$st $(tj 1 .state)"; sleep 1; done
	wait $! 2>/dev/null
	pings_wait
	el=$(since "$T0")
	a_snap=$(t_snap 1) a_up=$(bgp_uptime 1)
	ev=$(grep -c '^EVENT ' "$out")
	trans=$(cgw_log_since "$L0" | grep -cE 't1: [a-z-]+ -> ')
	read -r s1 _ l1 _ <<< "$(ping_summary "$H-$name-t1.ping")"
	read -r s2 _ l2 _ <<< "$(ping_summary "$H-$name-t2.ping")"
	grep '^EVENT ' "$out" | sort | uniq -c | sed 's/^/  ike_peer: /'
	echo "  cgwd's log during $name, by kind:"
	log_kinds "$L0" "$(($(cgw_log_lines) - L0))"
	[ "$ev" -ge 3 ] && [ "$b_snap" = "$a_snap" ] && [ "${a_snap%% *}" = up ] &&
		[ "$a_up" -ge $((b_up + ${el%.*} - 3)) ] && [ "$trans" = 0 ] &&
		[ "$s1" -gt 0 ] && [ "$l1" = 0 ] && [ "$s2" -gt 0 ] && [ "$l2" = 0 ] &&
		! echo "$st" | grep -qv '^\( up\)*$' && cgw_alive || ok=1
	check "$name" $ok "attempts=$ev t1_before=[$b_snap] t1_after=[$a_snap] states=[${st# }] t1_transitions=$trans bgp_uptime ${b_up}s -> ${a_up}s over ${el}s pings t1 sent=$s1 lost=$l1 t2 sent=$s2 lost=$l2 cgwd_log_lines=$(($(cgw_log_lines) - L0))" "$5"
}

topo_up; log "scenario start"
mkdir -p "$LAB_RUN/hostile"
vgw_start_all || fail "VGW emulator did not start"
cgw_start || fail "cgwd did not start"
t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2 && cgw_bgp_up 1 && cgw_bgp_up 2" 90) ||
	fail "not both tunnels up (and BGP) 90 s after cgwd started"
log "both tunnels and BGP up after ${t}s"
IF1=$(tj 1 .interface)
wait_until "nsx cgw ip route show proto 201 | grep -q '172.31.0.0/16 .*dev $IF1'" 30 >/dev/null ||
	fail "VPC route not via t1"
wait_until "ping_ok lan $VPC 1 && ping_ok cgw $T2_VGW_INSIDE 1" 30 >/dev/null ||
	fail "LAN -> VPC or cgw -> t2's inside peer does not answer"
OFFER=$(sed -n 's/^[[:space:]]*ike proposal \([^ ]*\).*/\1/p' "$CGW_CONF" | head -n 1)
ESP_OFFER=$(sed -n 's/^[[:space:]]*esp proposal \([^ ]*\).*/\1/p' "$CGW_CONF" | head -n 1)
log "cgwd offers IKE $OFFER, ESP $ESP_OFFER"

# --- 1. spoofed-init -------------------------------------------------------------
FOREIGN=aes256gcm16-prfsha384-ecp384
[ "$OFFER" = "$FOREIGN" ] && FOREIGN=aes256-sha512-modp4096
t1_attack spoofed-init "$T1_PSK" "$FOREIGN" \
	"IKE_SA_INIT from vgw1's address offering $FOREIGN (cgwd offers $OFFER)" \
	"attempts >= 3, t1 up with the same IKE and CHILD SPIs throughout, BGP uptime not reset, 0 pings lost"

# --- 2. wrong-psk ----------------------------------------------------------------
t1_attack wrong-psk "lab.wrong_psk_${T1_PSK#lab.}x" "$OFFER" \
	"initiator from vgw1's address with cgwd's proposals, wrong PSK" \
	"attempts >= 3, t1 up with the same IKE and CHILD SPIs throughout, BGP uptime not reset, 0 pings lost"

# --- 3. flood --------------------------------------------------------------------
log "=== flood: cookie-echoing IKE_SA_INIT from vgw1's address at ${FLOOD_RATE}/s for ${FLOOD_S}s, t2 CHILD rekey during it"
wait_until "cgw_ike_up 1 && cgw_bgp_up 1 && cgw_ike_up 2 && cgw_bgp_up 2" 60 >/dev/null ||
	fail "not both tunnels up (and BGP) before the flood"
b1=$(t_snap 1) b2=$(t_snap 2)
c2=$(tj 2 '.child_sas[0].spi_in')
pid=$(cgw_pid)
pings_start flood $((FLOOD_S + 8))
sleep 2
L0=$(cgw_log_lines) cpu0=$(cpu_ticks "$pid") T0=$(now)
ip netns exec vgw1 "$TOOLS/ike_flood" --echo-cookie --local "$P1" --remote "$CGW_LOCAL" \
	--ike "$OFFER" --esp "$ESP_OFFER" --rate $FLOOD_RATE --duration $FLOOD_S > "$H-flood.out" 2>&1 &
FLOODPID=$!
samples=$H-flood-samples.log
: > "$samples"
rekeyed="" new2="" n=0 down=0
while cgw_alive "$pid" && kill -0 $FLOODPID 2>/dev/null; do
	if [ -z "$rekeyed" ] && later_than "$T0" 5; then
		out=$(cgwctl_ tunnel rekey "$CGW_VPN/t2" 2>&1) || log "tunnel rekey t2: $out"
		rekeyed=$(now)
	fi
	# One cgwctl call a sample: under the flood the guest's CPUs are busy.
	read -r s1 s2 spis2 <<< "$(cgwctl_ --json show tunnels 2>/dev/null | jq -r --arg a "$CGW_VPN/t1" --arg b "$CGW_VPN/t2" '
		[(.tunnels[] | select(.name == $a) | .state), (.tunnels[] | select(.name == $b) |
		.state, ([.child_sas[].spi_in] | join(",")))] | join(" ")')"
	n=$((n + 1))
	[ "$s1" = up ] && [ "$s2" = up ] || down=$((down + 1))
	# The rekey's new CHILD SA: an inbound SPI other than the old one.
	if [ -z "$new2" ] && [ -n "$rekeyed" ] && echo "$spis2" | tr ',' '\n' | grep -qv "^$c2\$\|^\$"; then
		new2=$(since "$rekeyed")
	fi
	echo "$(since "$T0")s t1=$s1 t2=$s2 t2_child_in=[$spis2]" >> "$samples"
	sleep 1
done
wait $FLOODPID; FLOODPID=""
T1=$(now) cpu1=$(cpu_ticks "$pid") L1=$(cgw_log_lines)
el=$(echo "$T1 $T0" | awk '{printf "%.1f", $1 - $2}')
cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$(getconf CLK_TCK)" -v t="$el" 'BEGIN {printf "%.0f", 100 * (b - a) / hz / t}')
all_lines=$((L1 - L0))
lines=$(cgw_log_since "$L0" | head -n "$all_lines" | grep -vc '^[0-9:.]* trace ')
flood=$(grep '^FLOOD' "$H-flood.out")
[ -n "$flood" ] || { echo "  ike_flood:"; sed 's/^/    /' "$H-flood.out"; }
pings_wait
read -r s1 _ l1 g1 <<< "$(ping_summary "$H-flood-t1.ping")"
read -r s2 _ l2 g2 <<< "$(ping_summary "$H-flood-t2.ping")"
# One pair on t2 once the old inbound half is retired (5 s).
pair=$(wait_until "[ \"\$(tj 2 '.child_sas | length')\" = 1 ] && [ \"\$(tj 2 '.child_sas[0].spi_in')\" != $c2 ] &&
	[ \$(full_sas $P2) = 2 ]" 20)s || pair=never
a1=$(t_snap 1) a2=$(t_snap 2)
dropped=$(tj 1 '.counters.ike.init_dropped // "-"')
trans=$(cgw_log_since "$L0" | head -n "$lines" | grep -cE 't[12]: [a-z-]+ -> ')
awk 'NR % 5 == 1' "$samples" | sed 's/^/  sample /'
echo "  t1 before=[$b1] after=[$a1]"
echo "  t2 before=[$b2] after=[$a2]"
echo "  cgwd's log during the flood, by kind:"
log_kinds "$L0" "$lines"
ok=0
[ -n "$flood" ] && [ -n "$new2" ] && [ "$pair" != never ] && [ "$s2" -gt 0 ] && [ "$l2" = 0 ] &&
	[ "$down" = 0 ] && [ "$trans" = 0 ] && [ "${a1%% *}" = up ] && [ "${a2%% *}" = up ] && cgw_alive "$pid" || ok=1
check flood $ok "${flood#FLOOD } cgwd_cpu=${cpu}% over ${el}s t1_init_dropped=$dropped samples=$n not_up=$down transitions=$trans t2_rekey new_spi_after=${new2:-never}s one_pair_after=$pair pings t2 sent=$s2 lost=$l2 gap=${g2}s t1 sent=$s1 lost=$l1 gap=${g1}s t1_spis_same=$([ "${b1#* }" = "${a1#* }" ] && echo yes || echo no)" \
	"t2: 0 pings lost, new CHILD SPI during the flood and one pair after; t1 and t2 up throughout"

# --- 4. log-rate -----------------------------------------------------------------
ok=0
[ "$lines" -lt $MAX_LOG_LINES ] || ok=1
check log-rate $ok "cgwd_log_lines=$lines (trace aside; $all_lines in all) over ${el}s of flood ($(cgw_log_since "$L0" | head -n "$all_lines" | grep -c 'more like this') rate-limit summaries)" \
	"< $MAX_LOG_LINES lines"

# --- the end ---------------------------------------------------------------------
cgw_status
cgw_alive || FAILED="$FAILED cgwd-died"
echo "FIGURE: hostile$RESULTS cpu=${cpu}% log_lines=$lines flood_rate=$(echo "$flood" | sed -n 's/.* rate=\([0-9]*\).*/\1/p')/s"
[ -z "$FAILED" ] || { echo "FAIL: checks failed:$FAILED"; exit 1; }
exit 0
